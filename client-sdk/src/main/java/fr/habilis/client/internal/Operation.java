package fr.habilis.client.internal;

import fr.habilis.client.ClientSettings;
import fr.habilis.client.HabilisException;
import fr.habilis.client.OperationTimeoutException;
import fr.habilis.client.ProgressListener;
import fr.habilis.client.RateLimitedException;
import fr.habilis.client.ServerProblemException;
import fr.habilis.client.ServerUnreachableException;
import java.time.Duration;
import java.time.Instant;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeLazyLoadingException;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;

/**
 * One SDK operation with a deadline: runs ACME calls, retries the transient failures (server
 * unreachable or restarting, {@code serverInternal}, a {@code badNonce} that outlived acme4j's own
 * retries) with exponential backoff, and turns the others into typed exceptions at once.
 */
public final class Operation {
  private static final String ACME = "urn:ietf:params:acme:error:";

  /** An ACME call that may fail. */
  public interface AcmeCall<T> {
    T run() throws AcmeException;
  }

  private final String what;
  private final ClientSettings settings;
  private final ProgressListener progress;
  private final Instant deadline;

  public Operation(String what, ClientSettings settings, ProgressListener progress) {
    this.what = what;
    this.settings = settings;
    this.progress = progress;
    this.deadline = Instant.now().plus(settings.operationTimeout());
  }

  public Instant deadline() {
    return deadline;
  }

  public ProgressListener progress() {
    return progress;
  }

  /** Runs {@code call}, retrying transient failures until the deadline. */
  public <T> T call(String step, AcmeCall<T> call) throws HabilisException {
    Duration backoff = settings.initialBackoff();
    while (true) {
      Exception failure;
      try {
        return call.run();
      } catch (AcmeLazyLoadingException e) {
        failure = e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
      } catch (AcmeException e) {
        failure = e;
      }
      if (failure instanceof AcmeRateLimitedException) {
        AcmeRateLimitedException r = (AcmeRateLimitedException) failure;
        throw new RateLimitedException(Problems.of(r.getProblem()), r.getRetryAfter().orElse(null));
      }
      if (failure instanceof AcmeServerException) {
        AcmeServerException s = (AcmeServerException) failure;
        if (!isTransient(s)) throw new ServerProblemException(Problems.of(s.getProblem()));
      } else if (!(failure instanceof AcmeNetworkException)) {
        throw new HabilisException(what + ": " + step + " failed: " + failure.getMessage(), failure);
      }
      if (Instant.now().plus(backoff).isAfter(deadline)) {
        if (failure instanceof AcmeNetworkException) {
          throw new ServerUnreachableException(what + ": the CA server could not be reached while " + step
              + " (" + rootMessage(failure) + "); gave up after " + settings.operationTimeout().toSeconds() + " s", failure);
        }
        throw new OperationTimeoutException(what + ": " + step + " still failing after "
            + settings.operationTimeout().toSeconds() + " s: " + failure.getMessage(), failure);
      }
      progress.progress(ProgressListener.Step.RETRYING, step + ": " + rootMessage(failure) + "; retrying in "
          + backoff.toMillis() + " ms");
      sleep(backoff);
      backoff = backoff.multipliedBy(2);
      if (backoff.compareTo(settings.maxBackoff()) > 0) backoff = settings.maxBackoff();
    }
  }

  /** Waits until {@code when} (at most until the deadline, when it fails with a timeout). */
  public void sleepUntil(Instant when, String step) throws HabilisException {
    Instant now = Instant.now();
    if (when.isAfter(deadline)) {
      throw new OperationTimeoutException(what + ": " + step + " did not complete within "
          + settings.operationTimeout().toSeconds() + " s", null);
    }
    if (when.isAfter(now)) sleep(Duration.between(now, when));
  }

  private static boolean isTransient(AcmeServerException e) {
    String type = e.getType() == null ? "" : e.getType().toString();
    return type.equals(ACME + "serverInternal") || type.equals(ACME + "badNonce");
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) c = c.getCause();
    String m = c.getMessage();
    return m == null || m.isEmpty() ? c.getClass().getSimpleName() : m;
  }

  private void sleep(Duration d) throws HabilisException {
    try {
      Thread.sleep(Math.max(1, d.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HabilisException(what + ": interrupted", e);
    }
  }
}
