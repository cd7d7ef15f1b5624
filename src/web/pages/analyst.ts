import type { FastifyInstance } from 'fastify'

export async function analystPages(_app: FastifyInstance) {}
