import type { FastifyInstance } from 'fastify'

export async function placementPages(_app: FastifyInstance) {}
