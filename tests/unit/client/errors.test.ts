import { expect } from "chai";
import { apiErrorFromResponse, redactSecrets, TaskTimeoutError } from "../../../provider/client/errors";
import { parseRetryAfter } from "../../../provider/client/throttle";

const base = { method: "GET", path: "/v3/accounts/abc", headers: {} };

describe("client errors", () => {
  it("reads ErrorResponseDto: messages, detailCode and trackingId", () => {
    const err = apiErrorFromResponse({
      ...base,
      status: 404,
      body: {
        detailCode: "404 Not found",
        trackingId: "0f1e2d",
        messages: [
          { locale: "en-US", localeOrigin: "DEFAULT", text: "The server did not find a current representation" },
          { locale: "fr-FR", localeOrigin: "REQUEST", text: "Le serveur n'a pas trouvé" },
        ],
      },
    });
    expect(err.message).to.equal(
      "ISC GET /v3/accounts/abc failed with 404 Not Found: The server did not find a current representation " +
        "(detailCode: 404 Not found; trackingId: 0f1e2d)",
    );
    expect(err).to.include({ status: 404, trackingId: "0f1e2d", detailCode: "404 Not found" });
  });

  it("reads the 401 {error} and 429 {message} bodies and Retry-After", () => {
    expect(apiErrorFromResponse({ ...base, status: 401, body: { error: "JWT expired" } }).message).to.equal(
      "ISC GET /v3/accounts/abc failed with 401 Unauthorized: JWT expired",
    );
    const throttled = apiErrorFromResponse({
      ...base,
      status: 429,
      body: { message: "Rate Limit Exceeded" },
      headers: { "retry-after": "7" },
    });
    expect(throttled.retryAfterSeconds).to.equal(7);
    expect(throttled.messages).to.deep.equal(["Rate Limit Exceeded"]);
    expect(throttled.message).to.contain("429 Too Many Requests: Rate Limit Exceeded");
  });

  it("parses Retry-After as seconds or as an HTTP date", () => {
    expect(parseRetryAfter("3")).to.equal(3);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 5_000)).to.equal(5);
    expect(parseRetryAfter("soon")).to.equal(undefined);
  });

  it("redacts secrets from texts a server echoes back", () => {
    const err = apiErrorFromResponse(
      { ...base, status: 400, body: { messages: [{ text: "bad client_secret=s3cr3t-VALUE" }] } },
      ["s3cr3t-VALUE"],
    );
    expect(err.message).to.contain("[REDACTED]").and.not.to.contain("s3cr3t-VALUE");
    expect(redactSecrets("a tok-123 b tok-123", ["tok-123", undefined, ""])).to.equal("a [REDACTED] b [REDACTED]");
  });

  it("quotes the task id and last state in a task timeout", () => {
    const err = new TaskTimeoutError("task-9", 60_000, {
      completed: null,
      completionStatus: null,
      percentComplete: 40,
      progress: "Loading",
    });
    expect(err.message)
      .to.contain("task-9")
      .and.contain("60 s")
      .and.contain("percentComplete=40")
      .and.contain('"Loading"');
  });
});
