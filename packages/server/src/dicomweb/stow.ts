import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';

/** STOW-RS (PS3.18 §10.5) under /dicomweb. */
export function registerStow(_app: FastifyInstance, _ctx: ServerContext): void {}
