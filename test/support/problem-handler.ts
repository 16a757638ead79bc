import type { NextFunction, Request, Response } from 'express';
import { toProblem } from '../../api/index.ts';

/**
 * The API's RFC 9457 error mapping (`toProblem`, the one place error kinds meet HTTP statuses),
 * for tests that mount a module's routes on their own express app instead of the whole API.
 */
export function problemHandler(err: unknown, req: Request, res: Response, next: NextFunction) {
  if (res.headersSent) {
    next(err);
    return;
  }
  const problem = toProblem(err, req.originalUrl, 'test');
  if (problem.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="claytom-secops"');
  res.status(problem.status).type('application/problem+json').json(problem.body);
}
