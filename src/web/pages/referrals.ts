import type { FastifyInstance } from 'fastify'

export async function referralPages(_app: FastifyInstance) {}
