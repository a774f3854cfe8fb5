/**
 * An answer of the wrong shape: the server is trusted, but a wrong shape must fail loudly at the
 * boundary (naming the field) rather than deep inside a component. The client turns it into an
 * `ApiError` with code `bad_response`.
 */
export class DecodeError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`Unexpected API answer: ${path}: ${problem}`);
    this.name = 'DecodeError';
  }
}
