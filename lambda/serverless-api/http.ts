/**
 * What the serverless lab's API handlers (`request-unicorn`, `faq`) share: JSON responses with the
 * site's CORS headers, and one error type for bad input that names the field at fault.
 *
 * Bundled into each handler by esbuild; it is not a function of its own.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';

/** A client error: answered with 400 (or `statusCode`) and a JSON body naming `field`. Never a 500. */
export class RequestError extends Error {
  constructor(
    /** The part of the request at fault, as a path (`body`, `PickupLocation.Latitude`, `topic`). */
    public readonly field: string,
    message: string,
    public readonly statusCode = 400,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

/**
 * A JSON response the site may read. API Gateway answers the CORS preflight itself; the actual
 * response must carry `Access-Control-Allow-Origin` too, and only for the site's origin.
 */
export function jsonResponse(statusCode: number, body: unknown, allowedOrigin: string): APIGatewayProxyResult {
  return {
    statusCode,
    headers: {
      'Content-Type': 'application/json',
      'Access-Control-Allow-Origin': allowedOrigin,
      Vary: 'Origin',
    },
    body: JSON.stringify(body),
  };
}

/** The error body every handler of the lab uses: what went wrong, which field, and the request id to quote. */
export function errorResponse(error: RequestError, reference: string, allowedOrigin: string): APIGatewayProxyResult {
  return jsonResponse(error.statusCode, { Error: error.message, Field: error.field, Reference: reference }, allowedOrigin);
}

/** An environment variable the function cannot run without (set by the stack). */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set (the stack sets it; is this the deployed function?)`);
  return value;
}
