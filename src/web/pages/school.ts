import type { FastifyInstance } from 'fastify'

export async function schoolPages(_app: FastifyInstance) {}
