import type { FastifyInstance } from 'fastify'

export async function placementFormPages(_app: FastifyInstance) {}
