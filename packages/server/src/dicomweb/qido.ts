import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';

/** QIDO-RS (PS3.18 §10.6) under /dicomweb. */
export function registerQido(_app: FastifyInstance, _ctx: ServerContext): void {}
