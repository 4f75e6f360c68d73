package fr.habilis.ca.notify;

import fr.habilis.ca.store.CertificateRepository;
import fr.habilis.ca.store.CertificateRepository.StoredCertificate;
import fr.habilis.ca.store.ExpiryNoticeRepository;
import fr.habilis.ca.store.ExpiryNoticeRepository.Candidate;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
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
  private final ExpiryNoticeRepository progress = new ExpiryNoticeRepository();

  ExpiryScan(Notices notices, NoticeSchedule schedule) {
    this.notices = notices;
    this.schedule = schedule;
  }

  /** Runs one scan unless another instance ran one since {@code now - minGap}; returns the certificates notified. */
  int run(Connection c, String instance, Instant now, Duration minGap) throws SQLException {
    if (!progress.startScan(c, instance, now, now.minus(minGap))) return 0;
    int notified = 0;
    for (Candidate k : progress.candidates(c, now, now.plus(schedule.horizon()), MAX_PER_SCAN)) {
      Optional<NoticeSchedule.Threshold> due = schedule.due(k.notBefore(), k.notAfter(), now, k.handledMillis());
      Long handled = k.handledMillis();
      if (due.isPresent()) {
        handled = due.get().effective().toMillis();
        StoredCertificate cert = certificates.findBySerial(c, k.serial()).orElseThrow();
        if (notices.isReplaced(c, cert, now)) {
          // Nothing more to say about a replaced certificate: no further look before it expires.
          progress.saveProgress(c, k, 0L, k.notAfter());
          continue;
        }
        notices.expiring(c, cert, due.get(), now);
        notified++;
      }
      progress.saveProgress(c, k, handled, schedule.nextCheck(k.notBefore(), k.notAfter(), handled));
    }
    return notified;
  }
}
