import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';

/** WADO-RS (PS3.18 §10.4) and WADO-URI (§10.3). */
export function registerWado(_app: FastifyInstance, _ctx: ServerContext): void {}
