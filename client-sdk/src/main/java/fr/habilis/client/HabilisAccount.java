package fr.habilis.client;

import fr.habilis.client.internal.Csrs;
import fr.habilis.client.internal.Operation;
import java.net.URL;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.OrderBuilder;
import org.shredzone.acme4j.RenewalInfo;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.exception.AcmeServerException;

/**
 * An ACME account bound to a habilitated administrator. Its orders are authorized by the
 * administrator's habilitations: nothing to solve, the order is ready at once or refused with the
 * rule that refused it. Thread-safe: several orders may run at once.
 */
public final class HabilisAccount {
  private static final String NOT_READY = "urn:ietf:params:acme:error:orderNotReady";
  private static final String ALREADY_REVOKED = "urn:ietf:params:acme:error:alreadyRevoked";
  private static final String ALREADY_REPLACED = "urn:ietf:params:acme:error:alreadyReplaced";
  private final HabilisClient client;
  private final URL location;
  private final KeyPair accountKey;

  HabilisAccount(HabilisClient client, URL location, KeyPair accountKey) {
    this.client = client;
    this.location = location;
    this.accountKey = accountKey;
  }

  /** The account's URL: with the key, all that is needed to log in again. */
  public URL location() {
    return location;
  }

  /** The account key pair (not a certificate key). */
  public KeyPair accountKey() {
    return accountKey;
  }

  /** A login on this thread's session (no request): acme4j's resources stay on one thread. */
  private Login login() {
    return client.session().login(location, accountKey);
  }

  public HabilisClient client() {
    return client;
  }

  /** Orders a certificate: see {@link #order(CertificateRequest, ProgressListener)}. */
  public IssuedCertificate order(CertificateRequest request) throws HabilisException {
    return order(request, ProgressListener.NONE);
  }

  /**
   * Makes the key pair locally (unless the request brings one), orders the product for the
   * request's identifiers, sends the CSR, waits for the certificate (honouring Retry-After) and
   * downloads it. Transient failures (server restarting, badNonce) are retried until the
   * operation's deadline; a refusal throws {@link ServerProblemException} with the server's reason.
   */
  public IssuedCertificate order(CertificateRequest request, ProgressListener progress) throws HabilisException {
    Operation op = new Operation("ordering " + request.product(), client.settings(), progress);
    KeyPair key = request.keyPair().orElse(null);
    if (key == null) {
      key = request.keyType().generate();
      progress.progress(ProgressListener.Step.KEY_GENERATED, request.keyType() + " key generated locally");
    }
    byte[] csr = Csrs.build(key, request.keyType().signatureAlgorithm(), request.commonName(), request.dnsNames(),
        request.emails());
    // RFC 9773 §5: replaces only when the server offers ARI, and only for a certificate that has
    // not expired (an expired one is not replaced: the CA refuses it, and the renewal must go on).
    X509Certificate predecessor = request.replaces().filter(c -> c.getNotAfter().toInstant().isAfter(Instant.now()))
        .orElse(null);
    if (predecessor != null && !client.offersRenewalInfo()) predecessor = null;
    Order order;
    try {
      order = createOrder(op, request, predecessor);
    } catch (ServerProblemException e) {
      if (predecessor == null || !ALREADY_REPLACED.equals(e.problem().type())) throw e;
      // The CA issued a successor this client does not hold (its answer, or the files, were lost
      // after issuance): only a new certificate, outside the recorded chain, gets it going again.
      progress.progress(ProgressListener.Step.RETRYING, "serial " + predecessor.getSerialNumber().toString(16)
          + " was already replaced by a certificate this client does not hold; ordering without replaces");
      order = createOrder(op, request, null);
    }
    progress.progress(ProgressListener.Step.ORDER_CREATED, "order " + order.getLocation() + " is " + status(order));
    if (order.getStatus() == Status.PENDING) {
      throw new HabilisException("the order needs challenges to be solved: this server is not a Habilis CA "
          + "(Habilis habilitations are authorizations)");
    }
    finalizeOrder(op, order, csr);
    waitUntilValid(op, order);
    progress.progress(ProgressListener.Step.DOWNLOADING, "downloading the certificate");
    Certificate cert = op.call("reading the order", order::getCertificate);
    op.call("downloading the certificate", () -> {
      cert.download();
      return null;
    });
    List<X509Certificate> chain = new ArrayList<>(cert.getCertificateChain());
    if (!Arrays.equals(chain.get(0).getPublicKey().getEncoded(), key.getPublic().getEncoded())) {
      throw new HabilisException("the server returned a certificate for another key: refusing it");
    }
    progress.progress(ProgressListener.Step.ISSUED, "issued serial " + chain.get(0).getSerialNumber().toString(16)
        + ", valid until " + chain.get(0).getNotAfter().toInstant());
    return new IssuedCertificate(request, key, chain, order.getLocation(), cert.getLocation());
  }

  private Order createOrder(Operation op, CertificateRequest request, X509Certificate replaces) throws HabilisException {
    return op.call("creating the order", () -> {
      OrderBuilder b = login().newOrder().identifiers(identifiers(request)).profile(request.product().name());
      if (replaces != null) b.replaces(replaces);
      return b.create();
    });
  }

  /**
   * Sends the CSR; after a failure whose outcome is unknown (the server went away mid-request), the
   * order's state says whether to send it again (ready) or to wait (processing, valid). The order
   * is re-read with fetch(), not update(): update() throws when the server answers with a
   * Retry-After, which it does for a processing order — exactly the state to wait on.
   */
  private void finalizeOrder(Operation op, Order order, byte[] csr) throws HabilisException {
    op.progress().progress(ProgressListener.Step.FINALIZING, "sending the CSR");
    op.call("finalizing the order", () -> {
      if (order.getStatus() != Status.READY) {
        order.fetch();
        if (order.getStatus() != Status.READY) return null;
      }
      try {
        order.execute(csr);
      } catch (AcmeServerException e) {
        if (!NOT_READY.equals(String.valueOf(e.getType()))) throw e;
        order.fetch();
        if (order.getStatus() == Status.READY) throw e;
      }
      return null;
    });
  }

  private void waitUntilValid(Operation op, Order order) throws HabilisException {
    while (true) {
      // After execute() acme4j has dropped the order's state: this first read goes to the server,
      // so it is retried like any request (a lazy load outside the operation would escape as
      // acme4j's unchecked AcmeLazyLoadingException).
      Status s = op.call("reading the order", order::getStatus);
      if (s == Status.VALID) return;
      if (s == Status.INVALID) {
        throw order.getError().<HabilisException>map(p -> new ServerProblemException(fr.habilis.client.internal.Problems.of(p)))
            .orElse(new HabilisException("the order became invalid without a reason"));
      }
      op.progress().progress(ProgressListener.Step.WAITING, "order is " + status(order));
      Optional<Instant> retryAfter = order.getRetryAfter();
      Instant next = retryAfter.orElse(Instant.now().plusMillis(500));
      Instant cap = Instant.now().plusSeconds(10);
      op.sleepUntil(next.isAfter(cap) ? cap : next, "waiting for the certificate");
      op.call("polling the order", () -> order.fetch());
    }
  }

  /**
   * Revokes a certificate this account (or its administrator) may manage. A certificate already
   * revoked is refused ({@link ServerProblemException} {@code alreadyRevoked}), except on a retry
   * within this call: the earlier attempt may have revoked it with its answer lost on the way
   * back (server restarting, proxy timeout), so alreadyRevoked then means done.
   */
  public void revoke(X509Certificate certificate, RevocationReason reason) throws HabilisException {
    Operation op = new Operation("revoking " + certificate.getSerialNumber().toString(16), client.settings(),
        ProgressListener.NONE);
    AtomicBoolean attempted = new AtomicBoolean();
    op.call("revoking", () -> {
      boolean retry = attempted.getAndSet(true);
      try {
        Certificate.revoke(login(), certificate, org.shredzone.acme4j.RevocationReason.code(reason.code()));
      } catch (AcmeServerException e) {
        if (!retry || !ALREADY_REVOKED.equals(String.valueOf(e.getType()))) throw e;
      }
      return null;
    });
  }

  /**
   * The server's suggested renewal window for a certificate (ARI, RFC 9773), or empty when the
   * server does not offer renewalInfo.
   */
  public Optional<RenewalWindow> renewalInfo(X509Certificate certificate) throws HabilisException {
    if (!client.offersRenewalInfo()) return Optional.empty();
    Operation op = new Operation("renewal information", client.settings(), ProgressListener.NONE);
    return op.call("fetching renewalInfo", () -> {
      RenewalInfo info = login().bindRenewalInfo(certificate);
      Optional<Instant> retryAfter = info.fetch();
      return Optional.of(new RenewalWindow(info.getSuggestedWindowStart(), info.getSuggestedWindowEnd(), true,
          info.getExplanation().orElse(null), retryAfter.orElse(null)));
    });
  }

  private static List<Identifier> identifiers(CertificateRequest r) {
    List<Identifier> ids = new ArrayList<>();
    r.structure().ifPresent(s -> ids.add(new Identifier("structure", s)));
    for (String d : r.dnsNames()) ids.add(Identifier.dns(d));
    for (String e : r.emails()) ids.add(new Identifier("email", e));
    return ids;
  }

  private static String status(Order order) {
    return order.getStatus().name().toLowerCase(java.util.Locale.ROOT);
  }
}
