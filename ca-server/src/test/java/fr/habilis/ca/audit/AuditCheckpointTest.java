package fr.habilis.ca.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.Main;
import fr.habilis.ca.TestServer;
import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.interop.RaFixture;
import fr.habilis.ca.store.TestDatabases;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 18: the server signs checkpoints of the audit chain's head into the data directory (and
 * the log) at start-up, periodically and at shutdown; verify-audit checks the chain against the
 * latest one, which detects a chain rewritten with recomputed hashes and a truncated chain, both
 * invisible to the hash chain alone.
 */
class AuditCheckpointTest {
  @TempDir Path tmp;
  private Path dir;
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    dir = tmp.resolve("data");
    server = TestServer.start(Map.of("dataDir", dir.toString(), "auditCheckpointEvery", "PT1S"));
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) server.close();
  }

  /** Some audited activity, then a clean shutdown (which writes the last checkpoint). */
  private long activityThenStop() throws Exception {
    RaFixture.of(server).habilitate("18751275100020", "0123456789", RaFixture.servSsl("example.test"));
    server.stop();
    return AuditCheckpoint.read(dir.resolve(AuditCheckpoint.FILE)).entries();
  }

  private AuditCheck.Outcome check() throws Exception {
    String dbUrl = TestDatabases.urlForDataDir(dir);
    return AuditCheck.run(HabilisConfig.of(dbUrl == null ? Map.of("dataDir", dir.toString())
        : Map.of("dataDir", dir.toString(), "dbUrl", dbUrl)));
  }

  private Connection db() throws Exception {
    return TestDatabases.connect(dir);
  }

  @Test
  void anIntactChainReachesTheShutdownCheckpointAndTheCliSaysSo() throws Exception {
    long entries = activityThenStop();
    Path file = dir.resolve(AuditCheckpoint.FILE);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    try (Connection c = db()) {
      assertEquals(entries, AuditLog.head(c).entries(), "the shutdown checkpoint is the chain's head");
      assertTrue(entries >= 3, "the habilitation was audited");
    }
    AuditCheck.Outcome ok = check();
    assertTrue(ok.ok(), ok.report());

    // verify-audit opens the CA's lock file, and may be the first to create it: owner-only too.
    Files.deleteIfExists(dir.resolve(".ca-init.lock"));
    String dbUrl = TestDatabases.urlForDataDir(dir);
    Path config = Files.writeString(tmp.resolve("habilis.yaml"), "dataDir: " + dir + "\n"
        + (dbUrl == null ? "" : "dbUrl: \"" + dbUrl + "\"\n"));
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new Main()).setErr(new PrintWriter(err)).execute("--config", config.toString(), "verify-audit");
    assertEquals(0, exit, err.toString());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(".ca-init.lock"))));
  }

  @Test
  void checkpointsFollowTheChainPeriodically() throws Exception {
    Path file = dir.resolve(AuditCheckpoint.FILE);
    long first = AuditCheckpoint.read(file).entries();
    RaFixture.of(server).habilitate("18751275100020", "0123456789", RaFixture.servSsl("example.test"));
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (AuditCheckpoint.read(file).entries() == first && System.nanoTime() < deadline) Thread.sleep(100);
    assertTrue(AuditCheckpoint.read(file).entries() > first, "no checkpoint after the activity within 10 s (period 1 s)");
  }

  @Test
  void aChainRewrittenWithRecomputedHashesIsDetected() throws Exception {
    activityThenStop();
    try (Connection c = db()) {
      c.setAutoCommit(false);
      // Mallory edits entry 2 and recomputes every hash after it, head included.
      String prev;
      try (PreparedStatement q = c.prepareStatement("SELECT hash FROM audit_log WHERE seq = 1"); ResultSet rs = q.executeQuery()) {
        rs.next();
        prev = rs.getString(1);
      }
      try (PreparedStatement q = c.prepareStatement("SELECT seq, at, actor, action, subject, details FROM audit_log"
              + " WHERE seq >= 2 ORDER BY seq");
          ResultSet rs = q.executeQuery();
          PreparedStatement u = c.prepareStatement("UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?")) {
        while (rs.next()) {
          long seq = rs.getLong(1);
          OffsetDateTime at = rs.getObject(2, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC);
          String actor = seq == 2 ? "mallory" : rs.getString(3);
          String h = AuditLog.hash(prev, seq, at, actor, rs.getString(4), rs.getString(5), rs.getString(6));
          u.setString(1, actor);
          u.setString(2, prev);
          u.setString(3, h);
          u.setLong(4, seq);
          u.executeUpdate();
          prev = h;
        }
      }
      try (PreparedStatement u = c.prepareStatement("UPDATE audit_head SET hash = ? WHERE id = 1")) {
        u.setString(1, prev);
        u.executeUpdate();
      }
      c.commit();
      assertTrue(AuditLog.verify(c).ok(), "the hash chain alone cannot see a rewrite");
    }
    AuditCheck.Outcome outcome = check();
    assertFalse(outcome.ok(), outcome.report());
    assertTrue(outcome.report().contains("rewritten"), outcome.report());
  }

  @Test
  void aTruncatedChainIsDetected() throws Exception {
    long entries = activityThenStop();
    try (Connection c = db()) {
      c.setAutoCommit(false);
      // Mallory removes the last two entries and moves the head back to the new last one.
      c.createStatement().executeUpdate("DELETE FROM audit_log WHERE seq > " + (entries - 2));
      try (PreparedStatement u = c.prepareStatement("UPDATE audit_head SET seq = ?, hash = (SELECT hash FROM audit_log"
          + " WHERE seq = ?) WHERE id = 1")) {
        u.setLong(1, entries - 2);
        u.setLong(2, entries - 2);
        u.executeUpdate();
      }
      c.commit();
      assertTrue(AuditLog.verify(c).ok(), "the hash chain alone cannot see a truncation");
    }
    AuditCheck.Outcome outcome = check();
    assertFalse(outcome.ok(), outcome.report());
    assertTrue(outcome.report().contains("entries were removed"), outcome.report());
  }

  @Test
  void aCheckpointNotSignedByTheKeystoreOrMissingIsRefused() throws Exception {
    activityThenStop();
    Path file = dir.resolve(AuditCheckpoint.FILE);
    JsonObject forged = new JsonObject(Files.readString(file));
    forged.put("entries", forged.getLong("entries") - 2);
    Files.writeString(file, forged.encode());
    AuditCheck.Outcome outcome = check();
    assertFalse(outcome.ok(), outcome.report());
    assertTrue(outcome.report().contains("not signed by this CA's keystore"), outcome.report());

    Files.delete(file);
    outcome = check();
    assertFalse(outcome.ok(), outcome.report());
    assertTrue(outcome.report().contains("no signed audit checkpoint"), outcome.report());
  }
}
