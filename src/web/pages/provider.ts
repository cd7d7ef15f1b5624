import type { FastifyInstance } from 'fastify'

export async function providerPages(_app: FastifyInstance) {}
