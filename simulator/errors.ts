import type { ErrorResponseDto } from "../provider/client/types";
import { randomHexId } from "./ids";

const DEFAULT_DETAIL_CODES: Readonly<Record<number, string>> = {
  400: "400.1 Bad Request Content",
  403: "403 Forbidden",
  404: "404 Not found",
  405: "405 Method Not Allowed",
  500: "500.0 Internal Fault",
  503: "503 Service Unavailable",
};

/** An API answer other than success; the server turns it into an ErrorResponseDto body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly detailCode: string = DEFAULT_DETAIL_CODES[status] ?? `${status}`,
  ) {
    super(message);
    this.name = "ApiError";
  }

  static badRequest(message: string): ApiError {
    return new ApiError(400, message);
  }

  static notFound(message: string): ApiError {
    return new ApiError(404, message);
  }
}

/** ISC's error body; every error gets a fresh trackingId, as support asks for it. */
export function errorResponseBody(message: string, detailCode: string): ErrorResponseDto {
  return {
    detailCode,
    trackingId: randomHexId(),
    messages: [{ locale: "en-US", localeOrigin: "DEFAULT", text: message }],
    causes: [],
  };
}
