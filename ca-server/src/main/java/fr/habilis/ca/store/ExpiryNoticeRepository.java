package fr.habilis.ca.store;

import static fr.habilis.ca.store.Sql.instant;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;

/**
 * The expiry scan's state: the {@code notice_scan} row that serialises scans across instances, and
 * {@code expiry_notice_progress}, per certificate the smallest threshold handled and when to look again.
 */
public final class ExpiryNoticeRepository {

  /**
   * A valid certificate expiring within the scan's horizon; {@code handledMillis} and {@code known}
   * come from its progress row ({@code known} false: none yet).
   */
  public record Candidate(String serial, Instant notBefore, Instant notAfter, Long handledMillis, boolean known) {}

  /** Takes the scan for {@code instance} unless another scan ran after {@code lastScanBefore}; false then. */
  public boolean startScan(Connection c, String instance, Instant now, Instant lastScanBefore) throws SQLException {
    return Sql.update(c, "UPDATE notice_scan SET scanned_at = ?, scanned_by = ? WHERE id = 1"
        + " AND (scanned_at IS NULL OR scanned_at <= ?)", now, instance, lastScanBefore) != 0;
  }

  /** Valid certificates expiring in (now, horizon] whose next look is due, soonest expiry first. */
  public List<Candidate> candidates(Connection c, Instant now, Instant horizon, int limit) throws SQLException {
    return Sql.list(c, "SELECT c.serial, c.not_before, c.not_after, p.last_offset_ms, p.serial FROM certificates c"
        + " LEFT JOIN expiry_notice_progress p ON p.serial = c.serial WHERE c.status = 'valid' AND c.not_after > ?"
        + " AND c.not_after <= ? AND (p.serial IS NULL OR p.next_check_at <= ?) ORDER BY c.not_after LIMIT ?",
        rs -> new Candidate(rs.getString(1), instant(rs, 2), instant(rs, 3), rs.getObject(4, Long.class),
            rs.getString(5) != null), now, horizon, now, limit);
  }

  /** Records the threshold handled (in ms before notAfter) and the next look at the certificate. */
  public void saveProgress(Connection c, Candidate k, Long handledMillis, Instant nextCheck) throws SQLException {
    String sql = k.known()
        ? "UPDATE expiry_notice_progress SET last_offset_ms = ?, next_check_at = ? WHERE serial = ?"
        : "INSERT INTO expiry_notice_progress (last_offset_ms, next_check_at, serial) VALUES (?,?,?)";
    Sql.update(c, sql, Sql.typed(handledMillis, Types.BIGINT), nextCheck, k.serial());
  }
}
