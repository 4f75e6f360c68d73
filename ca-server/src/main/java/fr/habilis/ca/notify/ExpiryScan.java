package fr.habilis.ca.notify;

import static fr.habilis.ca.store.Sql.instant;
import static fr.habilis.ca.store.Sql.utc;

import fr.habilis.ca.store.CertificateRepository;
import fr.habilis.ca.store.CertificateRepository.StoredCertificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds certificates reaching an expiry threshold and enqueues their notices, in one transaction.
 * Scans are serialised across instances by the {@code notice_scan} row (an instance skips a scan
 * another did less than half a period ago); {@code expiry_notice_progress} remembers, per
 * certificate, the smallest threshold handled and when to look again, so each certificate is read
 * about once per threshold. Revoked and replaced certificates get no expiry notice.
 */
final class ExpiryScan {
  static final int MAX_PER_SCAN = 500;
  private final Notices notices;
  private final NoticeSchedule schedule;
  private final CertificateRepository certificates = new CertificateRepository();

  ExpiryScan(Notices notices, NoticeSchedule schedule) {
    this.notices = notices;
    this.schedule = schedule;
  }

  private record Candidate(String serial, Instant notBefore, Instant notAfter, Long handledMillis, boolean known) {}

  /** Runs one scan unless another instance ran one since {@code now - minGap}; returns the certificates notified. */
  int run(Connection c, String instance, Instant now, Duration minGap) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE notice_scan SET scanned_at = ?, scanned_by = ? WHERE id = 1"
        + " AND (scanned_at IS NULL OR scanned_at <= ?)")) {
      ps.setObject(1, utc(now));
      ps.setString(2, instance);
      ps.setObject(3, utc(now.minus(minGap)));
      if (ps.executeUpdate() == 0) return 0;
    }
    List<Candidate> candidates = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT c.serial, c.not_before, c.not_after, p.last_offset_ms,"
        + " p.serial FROM certificates c LEFT JOIN expiry_notice_progress p ON p.serial = c.serial"
        + " WHERE c.status = 'valid' AND c.not_after > ? AND c.not_after <= ?"
        + " AND (p.serial IS NULL OR p.next_check_at <= ?) ORDER BY c.not_after LIMIT ?")) {
      ps.setObject(1, utc(now));
      ps.setObject(2, utc(now.plus(schedule.horizon())));
      ps.setObject(3, utc(now));
      ps.setInt(4, MAX_PER_SCAN);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          candidates.add(new Candidate(rs.getString(1), instant(rs, 2), instant(rs, 3),
              rs.getObject(4, Long.class), rs.getString(5) != null));
        }
      }
    }
    int notified = 0;
    for (Candidate k : candidates) {
      Optional<NoticeSchedule.Threshold> due = schedule.due(k.notBefore(), k.notAfter(), now, k.handledMillis());
      Long handled = k.handledMillis();
      if (due.isPresent()) {
        handled = due.get().effective().toMillis();
        StoredCertificate cert = certificates.findBySerial(c, k.serial()).orElseThrow();
        if (notices.isReplaced(c, cert, now)) {
          // Nothing more to say about a replaced certificate: no further look before it expires.
          progress(c, k, 0L, k.notAfter());
          continue;
        }
        notices.expiring(c, cert, due.get(), now);
        notified++;
      }
      progress(c, k, handled, schedule.nextCheck(k.notBefore(), k.notAfter(), handled));
    }
    return notified;
  }

  private static void progress(Connection c, Candidate k, Long handledMillis, Instant nextCheck) throws SQLException {
    String sql = k.known()
        ? "UPDATE expiry_notice_progress SET last_offset_ms = ?, next_check_at = ? WHERE serial = ?"
        : "INSERT INTO expiry_notice_progress (last_offset_ms, next_check_at, serial) VALUES (?,?,?)";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, handledMillis, java.sql.Types.BIGINT);
      ps.setObject(2, utc(nextCheck));
      ps.setString(3, k.serial());
      ps.executeUpdate();
    }
  }
}
