import type { FastifyReply } from 'fastify';

const PROBLEM_TYPE = 'https://switchboard.dev/problems/';

/** Answers with RFC 9457 problem details carrying a stable `code`, like every Switchboard service. */
export function sendProblem(reply: FastifyReply, status: number, title: string, code: string, detail: string): FastifyReply {
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ type: `${PROBLEM_TYPE}${code.toLowerCase().replace(/[._]/g, '-')}`, title, status, detail, code });
}
