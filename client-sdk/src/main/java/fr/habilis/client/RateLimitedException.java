package fr.habilis.client;

import java.time.Instant;
import java.util.Optional;

/** The server's rate limit refused the request ({@code rateLimited}); retry after {@link #retryAfter()}. */
public final class RateLimitedException extends ServerProblemException {
  private static final long serialVersionUID = 1L;
  private final Instant retryAfter;

  public RateLimitedException(AcmeProblem problem, Instant retryAfter) {
    super(problem);
    this.retryAfter = retryAfter;
  }

  public Optional<Instant> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
