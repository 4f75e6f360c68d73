package fr.habilis.ca.revocation;

import static fr.habilis.ca.store.Sql.utc;

import fr.habilis.ca.config.Endpoints;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.issuance.SerialNumbers;
import fr.habilis.ca.pki.HierarchyGenerator;
import fr.habilis.ca.pki.IssuingCa;
import fr.habilis.ca.pki.KeyAlgorithm;
import fr.habilis.ca.store.Database;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The CRL at scale: fills a durable H2 database with N revoked certificates of the organisations
 * CA (rows as the server stores them, DER included), then times what {@link CrlService} does on a
 * regeneration — stream the entries from a JDBC cursor into a {@link CrlWriter}, sign — with the
 * peak heap. Run by {@code bench/crl.sh}, which caps the heap and checks the last CRL with OpenSSL.
 *
 * <p>Arguments: entries (default 1,000,000), CA key algorithm (default RSA-4096), repetitions (3),
 * and a directory where the last CRL ({@code crl.der}) and its CA ({@code ca.pem}) are written.
 */
public final class CrlScale {
  public static void main(String[] args) throws Exception {
    int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    String caKey = args.length > 1 ? args[1] : "RSA-4096";
    int repetitions = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path dir = Files.createTempDirectory("habilis-crl-scale");
    Vertx vertx = Vertx.vertx();
    String url = "jdbc:h2:file:" + dir.resolve("habilis") + ";WRITE_DELAY=0";
    Database filling = Database.open(vertx, url, null, null, 2);
    try {
      IssuingCa ca = HierarchyGenerator.generate(KeyAlgorithm.fromSetting(caKey), Setting.ROOT_CA_NAME.defaultValue(),
          Setting.ORG_CA_NAME.defaultValue(), Setting.PRO_CA_NAME.defaultValue(),
          new Endpoints("https://localhost:8443", "http://localhost:8080"), Clock.systemUTC()).org();
      Instant now = Instant.now();
      long fillStart = System.nanoTime();
      fill(filling, ca.id(), entries, now);
      System.out.printf("filled %,d revoked certificates in %.1f s (database %s)%n", entries,
          (System.nanoTime() - fillStart) / 1e9, dir);
      // A bulk fill leaves the file full of superseded chunks (H2 compacts in the background over
      // time): compact it once, as a database that has grown over years would be laid out.
      long compactStart = System.nanoTime();
      try {
        filling.txBlocking(c -> c.createStatement().execute("SHUTDOWN COMPACT"));
      } catch (Exception closedByShutdown) {
        // the connection is gone once the database has shut down
      }
      filling.close();
      System.out.printf("compacted in %.1f s to %,d MB%n", (System.nanoTime() - compactStart) / 1e9,
          Files.size(dir.resolve("habilis.mv.db")) >> 20);
      Database db = Database.open(vertx, url, null, null, 2);

      for (int i = 1; i <= repetitions; i++) {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        long start = System.nanoTime();
        CrlWriter writer = new CrlWriter();
        long number = db.txBlocking(c -> {
          CrlService.stream(c, ca.id(), now, writer);
          return CrlService.nextNumber(c, ca.id(), now);
        });
        long streamed = System.nanoTime();
        byte[] der = writer.sign(ca.certificate(), ca.privateKey(), number, now, now.plus(Duration.ofDays(1)));
        long signed = System.nanoTime();
        System.out.printf("run %d: %,d entries, %,d bytes, stream %.2f s + sign %.2f s = %.2f s; peak heap %d MB of max %d MB%n",
            i, writer.count(), der.length, (streamed - start) / 1e9, (signed - streamed) / 1e9, (signed - start) / 1e9,
            peakHeap() >> 20, Runtime.getRuntime().maxMemory() >> 20);
        if (i == repetitions && args.length > 3) {
          Files.write(Path.of(args[3], "crl.der"), der);
          Files.writeString(Path.of(args[3], "ca.pem"), "-----BEGIN CERTIFICATE-----\n"
              + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(ca.certificate().getEncoded())
              + "\n-----END CERTIFICATE-----\n");
        }
      }
      db.close();
    } finally {
      filling.close();
      vertx.close();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** N rows in serials + certificates, in batches, as IssuanceService and RevocationService leave them. */
  private static void fill(Database db, String caId, int entries, Instant now) throws Exception {
    SerialNumbers serials = new SerialNumbers(new SecureRandom());
    byte[] der = new byte[1200]; // about a real leaf's size: the rows scanned are as wide as in production
    new SecureRandom().nextBytes(der);
    int batch = 10_000;
    for (int done = 0; done < entries; done += batch) {
      int n = Math.min(batch, entries - done);
      db.txBlocking(c -> {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO serials (serial, ca_id, created_at) VALUES (?, ?, ?)");
            PreparedStatement cert = c.prepareStatement("INSERT INTO certificates (serial, ca_id, profile, subject_dn,"
                + " key_hash, not_before, not_after, der, status, revoked_at, revocation_reason, created_at)"
                + " VALUES (?, ?, 'SERV_SSL', 'CN=bench', ?, ?, ?, ?, 'revoked', ?, ?, ?)");
            PreparedStatement revoked = c.prepareStatement("INSERT INTO revoked_certificates (ca_id, serial,"
                + " revoked_at, reason, not_after) VALUES (?, ?, ?, ?, ?)")) {
          for (int i = 0; i < n; i++) {
            String serial = SerialNumbers.toHex(serials.draw());
            s.setString(1, serial);
            s.setString(2, caId);
            s.setObject(3, utc(now));
            s.addBatch();
            cert.setString(1, serial);
            cert.setString(2, caId);
            cert.setString(3, serial); // unique enough for the key-hash index
            cert.setObject(4, utc(now.minus(Duration.ofDays(30))));
            cert.setObject(5, utc(now.plus(Duration.ofDays(1000))));
            cert.setBytes(6, der);
            cert.setObject(7, utc(now.minus(Duration.ofMinutes(i % 10_000))));
            int reason = i % 4; // unspecified, keyCompromise, cACompromise (not from users, but legal), affiliationChanged
            if (reason == 0) cert.setNull(8, java.sql.Types.INTEGER); else cert.setInt(8, reason);
            cert.setObject(9, utc(now));
            cert.addBatch();
            revoked.setString(1, caId);
            revoked.setString(2, serial);
            revoked.setObject(3, utc(now.minus(Duration.ofMinutes(i % 10_000))));
            revoked.setInt(4, reason);
            revoked.setObject(5, utc(now.plus(Duration.ofDays(1000))));
            revoked.addBatch();
          }
          s.executeBatch();
          cert.executeBatch();
          revoked.executeBatch();
        }
        return null;
      });
    }
  }

  /** Sum of the heap pools' peaks since the last reset (an upper bound on what was live at once). */
  private static long peakHeap() {
    return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
        .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
  }
}
