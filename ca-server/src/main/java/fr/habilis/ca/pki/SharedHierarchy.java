package fr.habilis.ca.pki;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import fr.habilis.ca.config.ConfigException;
import fr.habilis.ca.config.Endpoints;
import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.config.SharedSettings;
import fr.habilis.ca.issuance.SerialNumbers;
import fr.habilis.ca.store.Database;
import fr.habilis.ca.store.HierarchyRepository;
import fr.habilis.ca.store.HierarchyRepository.Recorded;
import fr.habilis.ca.store.HierarchyRepository.Responder;
import fr.habilis.ca.store.JobLeaseRepository;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * One CA per database. The first instance records its hierarchy (fingerprints and certificates
 * of the root and issuing CAs, where its keys are, a check value of the CA secret) and the
 * {@link SharedSettings}; every later instance loads its keys from its keystore and starts only if
 * they are the recorded certificates. A test environment generates a hierarchy only into a
 * database that has none, and records it in the transaction that writes the keystore: of two
 * instances starting together on an empty database, one inserts the row, the other's insert
 * fails on the primary key, and it writes nothing (it then joins, or refuses to start).
 *
 * <p>Every refusal is a {@link ConfigException}: one line, exit code 2.
 */
public final class SharedHierarchy {
  private final Database db;
  private final HabilisConfig config;
  private final String instance;
  private final Clock clock;
  private static final Logger LOG = LoggerFactory.getLogger(SharedHierarchy.class);
  private static final java.time.Duration RECENT = java.time.Duration.ofMinutes(3);
  private final HierarchyRepository repo = new HierarchyRepository();
  private final JobLeaseRepository leases = new JobLeaseRepository();

  /** The keystore read ahead (start-up), or one that reads nothing ahead. */
  private final KeystoreReadAhead readAhead;

  public SharedHierarchy(Database db, HabilisConfig config, String instance, Clock clock) {
    this(db, config, instance, clock, null);
  }

  public SharedHierarchy(Database db, HabilisConfig config, String instance, Clock clock, KeystoreReadAhead readAhead) {
    this.db = db;
    this.config = config;
    this.instance = instance;
    this.clock = clock;
    this.readAhead = readAhead;
  }

  /** Refuses at once an instance with no keystore on a database that has a CA (before anything is written). */
  public void refuseWithoutKeystore() throws Exception {
    if (CaStore.hasKeystore(config)) return;
    Optional<Recorded> recorded = db.txBlocking(repo::find);
    if (recorded.isPresent()) {
      throw refusal(recorded.get(), "this instance cannot load its keys: no CA keystore at " + CaStore.keystoreRef(config));
    }
  }

  /** The hierarchy this instance runs with: the recorded one, or (only if none) its own, recorded now. */
  public CaHierarchy loadOrCreate(char[] password, Endpoints endpoints) throws Exception {
    Optional<Recorded> recorded = db.txBlocking(repo::find);
    if (recorded.isPresent()) return join(recorded.get(), password);
    CaHierarchy h;
    try {
      h = CaStore.loadOrCreate(config, password, endpoints, clock, (created, write) -> db.txBlocking(c -> {
        // The row first: a concurrent first start waits on it, then fails; the keystore is
        // written only by the instance whose row commits (a failed write rolls the row back).
        repo.insert(c, record(created));
        repo.recordMissingSettings(c, SharedSettings.of(config));
        write.run();
        return null;
      }));
    } catch (ConfigException e) {
      Optional<Recorded> now = failedInDatabase(e) ? db.txBlocking(repo::find) : Optional.empty();
      if (now.isEmpty()) throw e;
      return join(now.get(), password); // lost the race: the winner's hierarchy, if this instance has its keys
    }
    // A keystore found, not generated (a database from before V18, or this instance's files were
    // kept): record it, unless another instance recorded a hierarchy meanwhile.
    try {
      db.txBlocking(c -> {
        if (repo.find(c).isEmpty()) {
          repo.insert(c, record(h));
          repo.recordMissingSettings(c, SharedSettings.of(config));
        }
        return null;
      });
    } catch (SQLException e) {
      // Another instance recorded one meanwhile (unique violation; on H2 possibly a lock timeout).
      if (db.txBlocking(repo::find).isEmpty()) throw e;
    }
    return join(db.txBlocking(repo::find).orElseThrow(), h);
  }

  /**
   * The CA secret must be the one the other instances use (it seals EAB keys and signs audit
   * checkpoints): its check value is recorded by the first instance that knows it.
   */
  public void checkSecret(CaSecret secret) throws Exception {
    String mine = secretCheck(secret);
    String recorded = db.txBlocking(c -> repo.recordSecretCheck(c, mine));
    if (recorded != null && !recorded.equals(mine)) {
      throw new ConfigException("this database belongs to a CA whose keystore secret (caSecretAlias "
          + config.get(fr.habilis.ca.config.Setting.CA_SECRET_ALIAS) + ") differs from this instance's: give every"
          + " instance the same CA keystore (docs/deployment.md)");
    }
  }

  /**
   * The OCSP responders: recorded when none is, or when this keystore holds a newer one than the
   * record (its renewal was written to the keystore, then the process stopped before recording
   * it). When the record is newer, another instance renewed it since this one read the keystore:
   * the entry is read again. A keystore still holding an older responder is a stale copy: refused.
   * Returns the hierarchy with the responders to serve.
   */
  public CaHierarchy reconcileResponders(CaHierarchy h, char[] password) throws Exception {
    Map<String, Responder> recorded = db.txBlocking(repo::responders);
    java.util.List<IssuingCa> served = new java.util.ArrayList<>();
    for (IssuingCa loaded : h.issuingCas()) {
      IssuingCa ca = loaded;
      Responder theirs = recorded.get(ca.id());
      if (theirs != null && !theirs.serial().equals(serial(ca))) {
        X509Certificate other = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificate(new java.io.ByteArrayInputStream(theirs.der()));
        if (!ca.ocspCertificate().getNotBefore().after(other.getNotBefore())) {
          ca = CaStore.reloadResponder(config, password, ca);
          if (!theirs.serial().equals(serial(ca))) {
            throw new ConfigException("the CA keystore " + CaStore.keystoreRef(config) + " holds OCSP responder " + serial(ca)
                + " of CA " + ca.id() + ", older than responder " + theirs.serial() + " recorded in the database (renewed by"
                + " another instance): give every instance the same, current CA keystore (docs/deployment.md)");
          }
        }
      }
      served.add(ca);
      if (theirs != null && theirs.serial().equals(serial(ca))) continue;
      IssuingCa record = ca;
      db.txBlocking(c -> {
        repo.recordResponder(c, new Responder(record.id(), serial(record), record.ocspCertificate().getEncoded()), clock.instant());
        return null;
      });
    }
    return new CaHierarchy(h.root(), h.rootKey(), served.get(0), served.get(1));
  }

  private static String serial(IssuingCa ca) {
    return SerialNumbers.toHex(ca.ocspCertificate().getSerialNumber());
  }

  /**
   * Joins with this instance's keystore. A keystore that cannot be read (wrong password, missing
   * alias) is refused with its own message, as for a single instance; a missing one is told which
   * CA's keys this instance needs.
   */
  private CaHierarchy join(Recorded recorded, char[] password) {
    if (!CaStore.hasKeystore(config)) {
      throw refusal(recorded, "this instance cannot load its keys: no CA keystore at " + CaStore.keystoreRef(config));
    }
    CaHierarchy ahead = readAhead == null ? null : readAhead.hierarchy();
    return join(recorded, ahead != null ? ahead : CaStore.loadExisting(config, password));
  }

  private CaHierarchy join(Recorded recorded, CaHierarchy h) {
    Recorded mine = record(h);
    if (!mine.rootSha256().equals(recorded.rootSha256()) || !mine.orgSha256().equals(recorded.orgSha256())
        || !mine.proSha256().equals(recorded.proSha256())) {
      throw refusal(recorded, "the keystore " + CaStore.keystoreRef(config) + " holds another CA (root SHA-256 "
          + mine.rootSha256() + ")");
    }
    checkSettings();
    return h;
  }

  /**
   * This instance's shared settings against the recorded ones. A difference while another
   * instance runs (holds an unexpired job lease and ran a job in the last {@link #RECENT}) is refused: the two would issue or answer
   * differently. With no other instance running it is a reconfiguration: recorded, and logged.
   */
  private void checkSettings() {
    try {
      String refused = db.txBlocking(c -> {
        Optional<String> why = SharedSettings.mismatch(repo.settings(c), config);
        if (why.isEmpty()) return null;
        Instant now = clock.instant();
        // Running: holds a lease and ran a job lately (the holder runs some job at least every
        // minute); a process killed without releasing its leases stops counting after RECENT.
        Optional<String> running = leases.all(c).values().stream()
            .filter(l -> l.holder() != null && !l.holder().equals(instance) && l.expiresAt() != null && l.expiresAt().isAfter(now)
                && l.lastRunAt() != null && l.lastRunAt().isAfter(now.minus(RECENT)))
            .map(JobLeaseRepository.Lease::holder).findFirst();
        if (running.isPresent()) return why.get().replace("; to change it,", " (instance " + running.get() + " runs with it); to change it,");
        repo.replaceSettings(c, SharedSettings.of(config));
        LOG.atWarn().log(() -> "no other instance running: shared settings recorded anew (" + why.get().replaceFirst(" for this CA.*", "") + ")");
        return null;
      });
      if (refused != null) throw new ConfigException(refused);
    } catch (ConfigException e) {
      throw e;
    } catch (Exception e) {
      throw new ConfigException("cannot read the CA's shared settings: " + e.getMessage(), e);
    }
  }

  private static ConfigException refusal(Recorded r, String why) {
    return new ConfigException("this database belongs to the CA with root SHA-256 " + r.rootSha256() + " (recorded by "
        + r.recordedBy() + " at " + r.recordedAt() + ", keys in " + r.keystoreRef() + "); " + why
        + "; give every instance the same CA keystore (docs/deployment.md)");
  }

  private Recorded record(CaHierarchy h) {
    try {
      return new Recorded(sha256(h.root()), sha256(h.org().certificate()), sha256(h.pro().certificate()),
          h.root().getEncoded(), h.org().certificate().getEncoded(), h.pro().certificate().getEncoded(),
          CaStore.keystoreRef(config), null, instance, clock.instant());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256(X509Certificate c) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** SHA-256 of a key derived for this purpose only: says whether two secrets are equal, reveals nothing of them. */
  static String secretCheck(CaSecret secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(secret.derive("instance-agreement-check/v1", "HmacSHA256").getEncoded()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A failed insert of the hierarchy row: on PostgreSQL a unique violation once the winner has
   * committed; H2 may report a lock timeout or a concurrent update instead. Whichever: the caller
   * reads the row again, and joins only if there is one.
   */
  private static boolean failedInDatabase(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SQLException) return true;
    }
    return false;
  }
}
