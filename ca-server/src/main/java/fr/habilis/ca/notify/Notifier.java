package fr.habilis.ca.notify;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.config.Setting;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailMessage;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox. Every {@code noticeScanEvery} one tick, never two at once on an instance:
 * the expiry scan (one transaction on a database worker), then, when SMTP is configured, a claim
 * of up to {@code noticeBatchSize} due rows, sent one after the other by the asynchronous mail
 * client, each marked sent or failed in its own transaction. Nothing here blocks an event loop.
 * Without SMTP the notices stay pending for the RA API to show. On close, the message in flight
 * is finished and marked, the rest of the claim is given back.
 */
public final class Notifier {
  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
  private final ServerContext ctx;
  private final Notices notices;
  private final Outbox outbox = new Outbox();
  private final ExpiryScan scan;
  private final SmtpSettings smtp;
  private final MailClient mail;
  private final String instance;
  private final Duration every;
  private long timer = -1;
  private volatile boolean closing;
  private volatile Future<Void> tick = Future.succeededFuture();

  private Notifier(ServerContext ctx, SmtpSettings smtp) {
    this.ctx = ctx;
    this.notices = new Notices(ctx);
    this.scan = new ExpiryScan(notices, new NoticeSchedule(ctx.config().getDurations(Setting.NOTICE_EXPIRY_OFFSETS)));
    this.smtp = smtp;
    this.mail = smtp == null ? null : MailClient.create(ctx.vertx(), smtp.mail());
    this.instance = instanceName();
    this.every = ctx.config().getDuration(Setting.NOTICE_SCAN_EVERY);
  }

  /** Fails with a ConfigException for inconsistent notice settings (before any listener binds). */
  public static void checkSettings(fr.habilis.ca.config.HabilisConfig config) {
    SmtpSettings.from(config);
  }

  /** Starts the periodic tick; fails with a ConfigException for inconsistent SMTP settings. */
  public static Notifier start(ServerContext ctx) {
    Notifier n = new Notifier(ctx, SmtpSettings.from(ctx.config()));
    n.timer = ctx.vertx().setPeriodic(Math.max(1, n.every.toMillis()), id -> n.tick());
    if (n.smtp == null) LOG.info("no smtpHost configured: notices are kept in the outbox (GET /ra/v1/notices)");
    return n;
  }

  private void tick() {
    if (closing || !tickDone()) return;
    Promise<Void> done = Promise.promise();
    tick = done.future();
    Instant now = ctx.clock().instant();
    ctx.db().tx(c -> scan.run(c, instance, now, every.dividedBy(2)))
        .recover(e -> {
          LOG.warn("expiry notice scan failed; next tick tries again", e);
          return Future.succeededFuture(0);
        })
        .compose(x -> smtp == null || closing ? Future.succeededFuture() : sendBatch())
        .onComplete(x -> {
          if (x.failed()) LOG.warn("sending notices failed; next tick tries again", x.cause());
          done.complete();
        });
  }

  private boolean tickDone() {
    return tick.isComplete();
  }

  private Future<Void> sendBatch() {
    Instant now = ctx.clock().instant();
    Duration lease = ctx.config().getDuration(Setting.NOTICE_CLAIM_LEASE);
    int batch = ctx.config().getInt(Setting.NOTICE_BATCH_SIZE);
    return ctx.db().tx(c -> outbox.claim(c, ctx.db().isPostgres(), instance, now, lease, batch))
        .compose(claimed -> sendEach(claimed, 0));
  }

  private Future<Void> sendEach(List<Outbox.Entry> claimed, int i) {
    if (i == claimed.size() || closing) return Future.succeededFuture();
    return sendOne(claimed.get(i)).compose(x -> sendEach(claimed, i + 1));
  }

  private static final String CLAIM_LOST = "";

  /**
   * One message: claim renewed and still wanted, sent, marked; a failure is recorded on the row,
   * not raised. A row whose claim was lost meanwhile is left to its new claimer.
   */
  private Future<Void> sendOne(Outbox.Entry e) {
    Duration lease = ctx.config().getDuration(Setting.NOTICE_CLAIM_LEASE);
    Future<String> ready = ctx.db().tx(c -> {
      Instant now = ctx.clock().instant();
      if (!outbox.renewClaim(c, e.id(), instance, now, lease)) return CLAIM_LOST;
      boolean expiry = NoticeKind.CERTIFICATE_EXPIRING.stored().equals(e.kind()) && e.serial() != null;
      String why = expiry ? notices.expiryObsolete(c, e.serial(), now) : null;
      if (why != null) outbox.cancel(c, e.id(), why);
      return why;
    });
    return ready.compose(why -> {
      if (why != null) return Future.succeededFuture();
      return mail.sendMail(message(e)).timeout(smtp.timeout().toMillis(), TimeUnit.MILLISECONDS)
          .compose(sent -> ctx.db().tx(c -> outbox.markSent(c, e.id(), instance, ctx.clock().instant())).mapEmpty(),
              err -> ctx.db().tx(c -> {
                outbox.markAttemptFailed(c, e.id(), describe(err), ctx.clock().instant(),
                    ctx.config().getInt(Setting.NOTICE_MAX_ATTEMPTS), ctx.config().getDuration(Setting.NOTICE_RETRY_DELAY));
                return null;
              }).mapEmpty());
    });
  }

  private MailMessage message(Outbox.Entry e) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        // The same Message-ID for every attempt of one row: a duplicate (lease expired after a
        // crash mid-send) is recognisable as such by mail clients and by the tests.
        .add("Message-ID", "<notice-" + e.id() + "@" + ctx.config().hostname() + ">")
        .add("Auto-Submitted", "auto-generated")
        .add("Content-Language", e.language())
        .add("X-Habilis-Notice", e.kind() + "; id=" + e.id());
    MailMessage m = new MailMessage().setFrom(smtp.from()).setTo(e.recipient()).setSubject(e.subject())
        .setText(e.text()).setHeaders(headers);
    if (e.html() != null) m.setHtml(e.html());
    return m;
  }

  private static String describe(Throwable err) {
    String m = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    return m.length() > 1000 ? m.substring(0, 1000) : m;
  }

  /** Stops ticking, lets the message in flight finish and be marked, gives back the rest of the claim. */
  public Future<Void> close() {
    closing = true;
    if (timer >= 0) ctx.vertx().cancelTimer(timer);
    Duration wait = smtp == null ? Duration.ofSeconds(10) : smtp.timeout().multipliedBy(2).plusSeconds(5);
    return tick.timeout(wait.toMillis(), TimeUnit.MILLISECONDS).recover(x -> Future.succeededFuture())
        .compose(x -> ctx.db().tx(c -> outbox.release(c, instance)))
        .<Void>mapEmpty()
        .recover(x -> {
          LOG.warn("giving back claimed notices failed; their claim expires after the lease", x);
          return Future.succeededFuture();
        })
        .eventually(() -> mail == null ? Future.succeededFuture() : mail.close());
  }

  private static String instanceName() {
    String jvm = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
    String name = jvm + "-" + UUID.randomUUID().toString().substring(0, 8);
    return name.length() > 80 ? name.substring(name.length() - 80) : name;
  }
}
