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
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeLazyLoadingException;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.exception.AcmeProtocolException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeRetryAfterException;
import org.shredzone.acme4j.exception.AcmeServerException;

/**
 * One SDK operation with a deadline: runs ACME calls, retries the transient failures (server
 * unreachable or restarting, a reverse proxy's 502/503/504 or a bare 500 in front of it,
 * {@code serverInternal}, a {@code badNonce} that outlived acme4j's own retries) with exponential
 * backoff, and turns the others into typed exceptions at once, so that nothing but a
 * {@link HabilisException} leaves an operation.
 */
public final class Operation {
  private static final String ACME = "urn:ietf:params:acme:error:";
  /** A reverse proxy's answers while the CA behind it is down or restarting. */
  private static final Set<Integer> GATEWAY_ERRORS = Set.of(502, 503, 504);
  private static final Pattern GENERIC_HTTP_ERROR = Pattern.compile("^(?:HTTP|Server responded with HTTP) (\\d{3})\\b");

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

  /**
   * Runs {@code call}, retrying transient failures until the deadline: the last attempt is made
   * at the deadline itself (the wait before it is shortened), then the failure is reported.
   */
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
      } catch (AcmeProtocolException e) {
        // acme4j's unchecked "this is not ACME": e.g. an HTML page (maintenance, captive portal,
        // wrong URL) where JSON was expected, or a response without a nonce. Not transient.
        throw new HabilisException(what + ": " + step + " failed: the server's answer is not ACME ("
            + e.getMessage() + ")", e);
      }
      if (failure instanceof AcmeRateLimitedException) {
        AcmeRateLimitedException r = (AcmeRateLimitedException) failure;
        throw new RateLimitedException(Problems.of(r.getProblem()), r.getRetryAfter().orElse(null));
      }
      int httpStatus = genericHttpStatus(failure);
      boolean unreachable = failure instanceof AcmeNetworkException || GATEWAY_ERRORS.contains(httpStatus);
      if (failure instanceof AcmeServerException) {
        AcmeServerException s = (AcmeServerException) failure;
        if (!isTransient(s)) throw new ServerProblemException(Problems.of(s.getProblem()));
      } else if (!unreachable && httpStatus != 500) {
        throw new HabilisException(what + ": " + step + " failed: " + failure.getMessage(), failure);
      }
      Instant now = Instant.now();
      if (!now.isBefore(deadline)) {
        if (unreachable) {
          throw new ServerUnreachableException(what + ": the CA server could not be reached while " + step
              + " (" + describe(failure) + "); gave up after " + settings.operationTimeout().toSeconds() + " s", failure);
        }
        throw new OperationTimeoutException(what + ": " + step + " still failing after "
            + settings.operationTimeout().toSeconds() + " s: " + failure.getMessage(), failure);
      }
      Duration wait = backoff;
      if (failure instanceof AcmeRetryAfterException) {
        Duration asked = Duration.between(now, ((AcmeRetryAfterException) failure).getRetryAfter());
        if (asked.compareTo(wait) > 0) wait = asked;
      }
      Duration left = Duration.between(now, deadline);
      if (wait.compareTo(left) > 0) wait = left;
      progress.progress(ProgressListener.Step.RETRYING, step + ": " + describe(failure) + "; retrying in "
          + wait.toMillis() + " ms");
      sleep(wait);
      backoff = backoff.multipliedBy(2);
      if (backoff.compareTo(settings.maxBackoff()) > 0) backoff = settings.maxBackoff();
    }
  }

  /**
   * Waits until {@code when}, or only until the deadline when {@code when} is beyond it (the
   * caller then makes its last attempt); fails with a timeout once the deadline has passed.
   */
  public void sleepUntil(Instant when, String step) throws HabilisException {
    Instant now = Instant.now();
    if (!now.isBefore(deadline)) {
      throw new OperationTimeoutException(what + ": " + step + " did not complete within "
          + settings.operationTimeout().toSeconds() + " s", null);
    }
    Instant until = when.isAfter(deadline) ? deadline : when;
    if (until.isAfter(now)) sleep(Duration.between(now, until));
  }

  /**
   * The status of an HTTP error that carried no ACME problem document (acme4j then throws a plain
   * AcmeException "HTTP 503", or "Server responded with HTTP 503 while trying to retrieve a
   * nonce"): typically a reverse proxy's page while the CA restarts. 0 for anything else.
   */
  static int genericHttpStatus(Exception e) {
    if (e.getClass() != AcmeException.class && e.getClass() != AcmeRetryAfterException.class) return 0;
    Matcher m = GENERIC_HTTP_ERROR.matcher(String.valueOf(e.getMessage()));
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  private static String describe(Exception failure) {
    int status = genericHttpStatus(failure);
    if (status != 0) return "HTTP " + status + " without an ACME problem, from the server or a proxy in front of it";
    return rootMessage(failure);
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
