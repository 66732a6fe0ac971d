import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { SignatureProblem, SignedRequest } from "./sigv4.ts";

/**
 * The checks both endpoints of the embedded runtime make before anything else. It listens on
 * 127.0.0.1, but every local process and every web page the user opens can reach that address:
 * - Host must be 127.0.0.1 or localhost with the endpoint's own port, so that a page whose DNS
 *   name was rebound to 127.0.0.1 (DNS rebinding) is refused;
 * - browser cross-origin requests (any Origin header, or a Sec-Fetch-Site other than "none")
 *   are refused: the SDKs, boto3, GDAL and curl send neither;
 * - the request must be signed (SigV4) with the runtime's key pair (sigv4.ts).
 */

export type GuardProblem = SignatureProblem | "host" | "origin";

export interface Refusal {
  problem: GuardProblem;
  message: string;
}

export function checkHostAndOrigin(headers: IncomingHttpHeaders, port: number): Refusal | undefined {
  const host = headers.host;
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
    return {
      problem: "host",
      message: `Host ${JSON.stringify(host ?? "")} is not this runtime (127.0.0.1:${port} or localhost:${port})`,
    };
  }
  const site = headers["sec-fetch-site"];
  if (headers.origin !== undefined || (site !== undefined && site !== "none")) {
    return {
      problem: "origin",
      message: `browser requests from other origins are refused (Origin ${headers.origin ?? "-"}, Sec-Fetch-Site ${site ?? "-"})`,
    };
  }
  return undefined;
}

/** The request as the signature check reads it. */
export function signedRequestOf(request: IncomingMessage, bodySha256?: string): SignedRequest {
  return {
    method: request.method ?? "GET",
    target: request.url ?? "/",
    headers: request.headersDistinct,
    bodySha256,
  };
}
