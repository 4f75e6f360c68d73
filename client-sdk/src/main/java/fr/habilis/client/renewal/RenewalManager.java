package fr.habilis.client.renewal;

import fr.habilis.client.CertificateRequest;
import fr.habilis.client.HabilisAccount;
import fr.habilis.client.HabilisException;
import fr.habilis.client.IssuedCertificate;
import fr.habilis.client.RenewalWindow;
import fr.habilis.client.RevocationReason;
import fr.habilis.client.ServerProblemException;
import fr.habilis.client.output.OutputException;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the certificates of a {@link StateDirectory} alive: each run renews every certificate whose
 * renewal time has come — the server's ARI window (RFC 9773) when it offers one, else a margin
 * before notAfter — with a NEW key and {@code replaces}, writes the files atomically, records the
 * succession, then runs the deploy hook. Failures are retried with backoff within the run and
 * across runs; a certificate close to expiry whose renewal still fails raises an alert.
 */
public final class RenewalManager {
  private static final Logger LOG = LoggerFactory.getLogger(RenewalManager.class);
  /** Server refusals that another attempt in the same run cannot change (the RA must act first). */
  private static final Set<String> FINAL = Set.of("rejectedIdentifier", "unauthorized", "badCSR", "badPublicKey",
      "unsupportedIdentifier", "malformed", "accountDoesNotExist", "externalAccountRequired");

  private final HabilisAccount account;
  private final StateDirectory state;
  private final RenewalSettings settings;
  private final RenewalListener listener;
  private final DeployHook javaHook;
  private final DeployHook commandHook = new CommandHook(300);
  private final Clock clock;

  public RenewalManager(HabilisAccount account, StateDirectory state, RenewalSettings settings) {
    this(account, state, settings, RenewalListener.NONE, null, Clock.systemUTC());
  }

  private RenewalManager(HabilisAccount account, StateDirectory state, RenewalSettings settings, RenewalListener listener,
      DeployHook javaHook, Clock clock) {
    this.account = account;
    this.state = state;
    this.settings = settings;
    this.listener = listener;
    this.javaHook = javaHook;
    this.clock = clock;
  }

  /** The same manager reporting to {@code l}. */
  public RenewalManager withListener(RenewalListener l) {
    return new RenewalManager(account, state, settings, l, javaHook, clock);
  }

  /** The same manager calling {@code hook} after each issuance (before the entry's command, if any). */
  public RenewalManager withDeployHook(DeployHook hook) {
    return new RenewalManager(account, state, settings, listener, hook, clock);
  }

  public StateDirectory state() {
    return state;
  }

  /**
   * Orders a certificate, writes it and starts managing it under {@code name}. The outputs are
   * checked (directory writable, password readable) before anything is ordered.
   */
  public ManagedCertificate obtain(String name, CertificateRequest request, Outputs outputs, String hookCommand)
      throws HabilisException, IOException {
    ManagedCertificate.checkName(name);
    try (AutoCloseable lock = state.lock()) {
      refuseExisting(name);
      checkOutputs(outputs);
      IssuedCertificate issued = account.order(request, (step, message) -> listener.progress(name, step, message));
      return adoptLocked(name, issued, outputs, hookCommand);
    } catch (HabilisException | IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /**
   * Starts managing a certificate ordered elsewhere (e.g. by {@link HabilisAccount#order}): writes
   * it to {@code outputs}, records it, runs the hooks. Later runs renew it like any other.
   */
  public ManagedCertificate adopt(String name, IssuedCertificate issued, Outputs outputs, String hookCommand) throws IOException {
    ManagedCertificate.checkName(name);
    try (AutoCloseable lock = state.lock()) {
      refuseExisting(name);
      checkOutputs(outputs);
      return adoptLocked(name, issued, outputs, hookCommand);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private void refuseExisting(String name) {
    if (state.exists(name)) {
      throw new IllegalArgumentException("a certificate named '" + name + "' is already managed: renew it, or choose another --name");
    }
  }

  private ManagedCertificate adoptLocked(String name, IssuedCertificate issued, Outputs outputs, String hookCommand)
      throws IOException {
    writeOutputs(outputs, issued, name);
    ManagedCertificate entry = new ManagedCertificate(name, template(issued.request()), outputs, hookCommand, null, null,
        null, List.of(), 0, null, null, null).issued(issued.serialHex(), issued.certificate().getNotBefore().toInstant(),
        issued.notAfter(), clock.instant());
    state.save(entry, issued.chain());
    deploy(entry, issued);
    return entry;
  }

  /** When {@code entry}'s current certificate should be renewed. */
  public RenewalWindow window(ManagedCertificate entry, X509Certificate current) {
    Instant notAfter = current.getNotAfter().toInstant();
    if (settings.renewBefore() != null) {
      Instant start = notAfter.minus(settings.renewBefore());
      return new RenewalWindow(start, start, false, null, null);
    }
    // RFC 9773 §4.3: no renewalInfo for an expired certificate (the fallback window is then past: renew).
    if (notAfter.isAfter(clock.instant())) {
      try {
        Optional<RenewalWindow> ari = account.renewalInfo(current);
        if (ari.isPresent()) return ari.get();
      } catch (HabilisException e) {
        LOG.warn("{}: renewalInfo unavailable ({}); using the margin before expiry", entry.name(), e.getMessage());
      }
    }
    Duration lifetime = Duration.between(current.getNotBefore().toInstant(), notAfter);
    Duration margin = Duration.ofMillis((long) (lifetime.toMillis() * settings.marginFraction()));
    if (margin.compareTo(settings.maxMargin()) > 0) margin = settings.maxMargin();
    // The first quarter of the margin: the rest of it is left for retries before the alert.
    return new RenewalWindow(notAfter.minus(margin), notAfter.minus(margin.multipliedBy(3).dividedBy(4)), false, null, null);
  }

  /** Renews every managed certificate that is due; {@code force} renews them all now. */
  public RunReport runAll(boolean force) throws IOException {
    return run(state.names(), force);
  }

  /** Renews the named certificates that are due (all of them with {@code force}), {@code concurrency} at a time. */
  public RunReport run(List<String> names, boolean force) throws IOException {
    for (String n : names) if (!state.exists(n)) throw new IOException("no managed certificate named '" + n + "' in " + state.root());
    try (AutoCloseable lock = state.lock()) {
      ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(settings.concurrency(), names.size())), r -> {
        Thread t = new Thread(r, "habilis-renewal");
        t.setDaemon(true);
        return t;
      });
      try {
        List<Future<RunReport.Line>> futures = new ArrayList<>();
        for (String n : names) futures.add(pool.submit(() -> process(n, force)));
        List<RunReport.Line> lines = new ArrayList<>();
        for (Future<RunReport.Line> f : futures) lines.add(f.get());
        return new RunReport(lines);
      } finally {
        pool.shutdownNow();
      }
    } catch (IOException e) {
      throw e;
    } catch (ExecutionException e) {
      throw new IOException("renewal run failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("renewal run interrupted", e);
    } catch (Exception e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /**
   * Runs until {@code stop} says so: a run, then sleep until the next renewal time (plus a random
   * jitter, so that many daemons do not wake together), at most a day (to look at ARI again).
   */
  public void runDaemon(BooleanSupplier stop) throws InterruptedException {
    while (!stop.getAsBoolean()) {
      Instant next;
      try {
        RunReport r = runAll(false);
        for (RunReport.Line l : r.lines()) if (l.outcome() != RunReport.Outcome.NOT_DUE) LOG.info("{}", l);
        next = r.nextWake().orElse(clock.instant().plus(Duration.ofDays(1)));
      } catch (IOException e) {
        LOG.error("renewal run failed: {}", e.getMessage());
        next = clock.instant().plus(settings.retryDelay());
      }
      Instant now = clock.instant();
      Instant cap = now.plus(Duration.ofDays(1));
      if (next.isAfter(cap)) next = cap;
      long wait = Math.max(0, Duration.between(now, next).toMillis());
      long jitter = Math.min(settings.maxJitter().toMillis(), wait / 10 + 1);
      long until = System.currentTimeMillis() + wait + ThreadLocalRandom.current().nextLong(jitter + 1);
      LOG.debug("next renewal check at {}", Instant.ofEpochMilli(until));
      while (!stop.getAsBoolean() && System.currentTimeMillis() < until) {
        Thread.sleep(Math.min(1000, Math.max(1, until - System.currentTimeMillis())));
      }
    }
  }

  /** Revokes the named certificate's current certificate; it is then no longer renewed. */
  public void revoke(String name, RevocationReason reason) throws HabilisException, IOException {
    try (AutoCloseable lock = state.lock()) {
      ManagedCertificate entry = state.load(name);
      account.revoke(state.chain(name).get(0), reason);
      state.save(entry.revokedFor(reason.rfcName()), null);
    } catch (HabilisException | IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private RunReport.Line process(String name, boolean force) throws IOException {
    ManagedCertificate entry = state.load(name);
    if (entry.revoked().isPresent()) return line(name, RunReport.Outcome.REVOKED, null, "revoked: " + entry.revoked().get());
    X509Certificate current = state.chain(name).get(0);
    Instant now = clock.instant();
    if (!force) {
      // A forced run needs no window: asking for one would only delay it (or, with the CA down,
      // spend the operation's whole deadline before the renewal attempts even start).
      RenewalWindow window = window(entry, current);
      Instant due = window.pick(current.getSerialNumber().longValue());
      if (now.isBefore(due)) {
        Instant next = window.recheckAfter().filter(r -> r.isBefore(due)).orElse(due);
        return line(name, RunReport.Outcome.NOT_DUE, next, "renews at " + due + " (" + window + ")");
      }
      window.explanation().ifPresent(url -> LOG.info("{}: the CA asks for renewal now, see {}", name, url));
    }
    if (!force && entry.nextAttempt().isPresent() && now.isBefore(entry.nextAttempt().get())) {
      return line(name, RunReport.Outcome.BACKING_OFF, entry.nextAttempt().get(),
          "failed " + entry.failures() + " time(s), next attempt at " + entry.nextAttempt().get());
    }
    Exception last = null;
    Duration delay = settings.retryDelay();
    for (int attempt = 1; attempt <= settings.attemptsPerRun(); attempt++) {
      try {
        return renewNow(entry, current);
      } catch (HabilisException | IOException e) {
        last = e;
        boolean willRetry = attempt < settings.attemptsPerRun() && retryable(e);
        listener.failed(entry, e, willRetry);
        LOG.warn("{}: renewal attempt {} failed: {}", name, attempt, e.getMessage());
        if (!willRetry) break;
        try {
          Thread.sleep(delay.toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
        delay = delay.multipliedBy(2);
      }
    }
    Duration backoff = settings.retryDelay().multipliedBy(1L << Math.min(20, entry.failures() + 1));
    if (backoff.compareTo(settings.maxBackoff()) > 0) backoff = settings.maxBackoff();
    Instant retryAt = clock.instant().plus(backoff);
    String error = last == null ? "interrupted" : last.getMessage();
    state.save(entry.failed(error, retryAt), null);
    Duration left = Duration.between(clock.instant(), entry.notAfter());
    if (left.compareTo(settings.alertBefore()) < 0) {
      listener.alert(entry, left, last);
      LOG.error("ALERT {}: expires at {} ({} left) and its renewal keeps failing: {}", name, entry.notAfter(),
          left.isNegative() ? "none" : left, error);
      return line(name, RunReport.Outcome.ALERT, retryAt, error);
    }
    return line(name, RunReport.Outcome.FAILED, retryAt, error);
  }

  private RunReport.Line renewNow(ManagedCertificate entry, X509Certificate current) throws HabilisException, IOException {
    checkOutputs(entry.outputs());
    IssuedCertificate issued = account.order(entry.template().renewing(current),
        (step, message) -> listener.progress(entry.name(), step, message));
    writeOutputs(entry.outputs(), issued, entry.name());
    ManagedCertificate next = entry.issued(issued.serialHex(), issued.certificate().getNotBefore().toInstant(),
        issued.notAfter(), clock.instant());
    state.save(next, issued.chain());
    LOG.info("{}: renewed, serial {} replaces {}, valid until {}", entry.name(), issued.serialHex(), entry.serial(), issued.notAfter());
    listener.renewed(entry, issued);
    Exception hookError = deploy(next, issued);
    RenewalWindow w = window(next, issued.certificate());
    Instant due = w.pick(issued.certificate().getSerialNumber().longValue());
    return hookError == null
        ? line(entry.name(), RunReport.Outcome.RENEWED, due, "serial " + issued.serialHex() + " until " + issued.notAfter())
        : line(entry.name(), RunReport.Outcome.RENEWED_HOOK_FAILED, due, hookError.getMessage());
  }

  private Exception deploy(ManagedCertificate entry, IssuedCertificate issued) {
    try {
      if (javaHook != null) javaHook.deployed(entry, issued);
      commandHook.deployed(entry, issued);
      return null;
    } catch (Exception e) {
      LOG.error("{}: deploy hook failed: {}", entry.name(), e.getMessage());
      listener.hookFailed(entry, e);
      return e;
    }
  }

  /** Fails before ordering when the files could not be written afterwards. */
  private static void checkOutputs(Outputs o) throws IOException {
    o.files("check").checkWritable();
    if (o.p12().isPresent()) Arrays.fill(o.readPassword(), '\0');
  }

  /** Writes the key and chain to every output (all files synced before the first rename). */
  private static void writeOutputs(Outputs o, IssuedCertificate issued, String name) throws IOException {
    char[] pw = o.p12().isPresent() ? o.readPassword() : null;
    try {
      o.files(name).write(issued.keyPair().getPrivate(), issued.chain(), pw);
    } finally {
      if (pw != null) Arrays.fill(pw, '\0');
    }
  }

  private static boolean retryable(Exception e) {
    if (e instanceof OutputException) return false;
    if (e instanceof ServerProblemException) return !FINAL.contains(((ServerProblemException) e).type());
    return !(e instanceof IOException);
  }

  /** The request without its one-off parts (caller's key pair, replaces). */
  private static CertificateRequest template(CertificateRequest r) {
    CertificateRequest.Builder b = CertificateRequest.of(r.product()).keyType(r.keyType());
    r.structure().ifPresent(b::structure);
    if (!r.dnsNames().isEmpty()) b.dns(r.dnsNames());
    if (!r.emails().isEmpty()) b.email(r.emails());
    if (r.product().nameKind() != fr.habilis.client.Product.NameKind.FQDN) b.commonName(r.commonName());
    return b.build();
  }

  private static RunReport.Line line(String name, RunReport.Outcome o, Instant next, String detail) {
    return new RunReport.Line(name, o, next, detail);
  }
}
