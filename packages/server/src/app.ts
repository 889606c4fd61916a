import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ServerContext } from './context.js';
import { registerQido } from './dicomweb/qido.js';
import { registerStow } from './dicomweb/stow.js';
import { registerWado } from './dicomweb/wado.js';

/** Builds the HTTP application (not listening). */
export async function buildApp(ctx: ServerContext): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: ctx.log as FastifyBaseLogger, disableRequestLogging: true });
  app.get('/healthz', async () => ({ status: 'ok' }));
  await app.register(
    async (dicomweb) => {
      registerQido(dicomweb, ctx);
      registerWado(dicomweb, ctx);
      registerStow(dicomweb, ctx);
    },
    { prefix: '/dicomweb' },
  );
  return app;
}
