package fr.habilis.ca.ra;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.ServerContext;
import fr.habilis.ca.issuance.SerialNumbers;
import fr.habilis.ca.notify.NoticeKind;
import fr.habilis.ca.notify.Outbox;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.List;

/**
 * The notice outbox in the RA API: what was sent, what waits (with attempts and the last error),
 * what failed for good, and a way to send a failed or cancelled notice again. Without SMTP
 * configured, this is where the notices are read. Mounted by {@link RaApi} under {@code /ra/v1}.
 */
final class RaNotices {
  private static final List<String> STATES = Arrays.stream(Outbox.State.values()).map(Outbox.State::stored).toList();
  private final ServerContext ctx;
  private final boolean sending;
  private final Outbox outbox = new Outbox();

  RaNotices(ServerContext ctx) {
    this.ctx = ctx;
    this.sending = ctx.config().isSet(fr.habilis.ca.config.Setting.SMTP_HOST);
  }

  void mount(Router router) {
    router.get("/ra/v1/notices").handler(this::list);
    router.get("/ra/v1/notices/:id").handler(rc -> {
      long id = id(rc);
      RaApi.reply(rc, 200, ctx.db().tx(c -> outbox.find(c, id)
          .orElseThrow(() -> DomainError.notFound("no notice " + id)))
          .map(e -> json(e).put("text", e.text()).put("html", e.html())));
    });
    router.post("/ra/v1/notices/:id/retry").handler(rc -> {
      long id = id(rc);
      RaApi.body(rc);
      RaApi.reply(rc, 200, ctx.db().tx(c -> {
        Outbox.Entry e = outbox.find(c, id).orElseThrow(() -> DomainError.notFound("no notice " + id));
        if (!outbox.retry(c, id, ctx.clock().instant())) {
          throw DomainError.conflict("notice " + id + " is " + e.state() + "; only a failed or cancelled notice can be sent again");
        }
        return outbox.find(c, id).orElseThrow();
      }).map(this::json));
    });
  }

  private void list(RoutingContext rc) {
    var q = rc.queryParams();
    String state = q.get("state");
    if (state != null && !STATES.contains(state)) {
      throw DomainError.invalidField("state", "must be one of " + String.join(", ", STATES));
    }
    String kind = q.get("kind");
    if (kind != null && NoticeKind.ofStored(kind).isEmpty()) {
      throw DomainError.invalidField("kind", "must be one of " + String.join(", ",
          Arrays.stream(NoticeKind.values()).map(NoticeKind::stored).toList()));
    }
    String serial = q.get("serial");
    if (serial != null) {
      if (!serial.matches("[0-9A-Fa-f]{1,64}") || SerialNumbers.fromHex(serial).signum() <= 0) {
        throw DomainError.invalidField("serial", "a certificate serial number in hexadecimal");
      }
      serial = SerialNumbers.toHex(SerialNumbers.fromHex(serial));
    }
    Outbox.Filter filter = new Outbox.Filter(state, kind, q.get("recipient"), q.get("reference"), serial);
    int limit = RaApi.intParam(rc, "limit", 50, 1, 500);
    int offset = RaApi.intParam(rc, "offset", 0, 0, Integer.MAX_VALUE);
    RaApi.reply(rc, 200, ctx.db().tx(c -> outbox.list(c, filter, limit, offset)).map(page -> {
      JsonArray items = new JsonArray();
      page.forEach(e -> items.add(json(e)));
      return new JsonObject().put("notices", items).put("sending", sending).put("limit", limit).put("offset", offset);
    }));
  }

  private static long id(RoutingContext rc) {
    String v = rc.pathParam("id");
    try {
      long id = Long.parseLong(v);
      if (id <= 0) throw new NumberFormatException();
      return id;
    } catch (NumberFormatException e) {
      throw DomainError.invalidField("id", "a notice id is a positive integer");
    }
  }

  private JsonObject json(Outbox.Entry e) {
    return new JsonObject().put("id", e.id()).put("kind", e.kind()).put("state", e.state())
        .put("recipient", e.recipient()).put("role", e.role()).put("language", e.language())
        .put("subject", e.subject()).put("reference", e.reference()).put("serial", e.serial())
        .put("attempts", e.attempts()).put("lastError", e.lastError())
        .put("createdAt", str(e.createdAt())).put("nextAttemptAt", "pending".equals(e.state()) ? str(e.nextAttemptAt()) : null)
        .put("sentAt", str(e.sentAt())).put("sentBy", e.sentBy()).put("claimedBy", e.claimedBy()).put("claimExpiresAt", str(e.claimExpiresAt()));
  }

  private static String str(Object o) {
    return o == null ? null : o.toString();
  }
}
