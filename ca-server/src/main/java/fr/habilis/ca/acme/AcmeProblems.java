package fr.habilis.ca.acme;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;
import fr.habilis.ca.web.Problem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The one mapping of {@link ErrorKind} to ACME problem documents (RFC 8555 §6.7): type and HTTP
 * status. Answers and the errors stored on orders both come from here.
 */
final class AcmeProblems {
  static final String PREFIX = "urn:ietf:params:acme:error:";

  private AcmeProblems() {}

  private record Wire(String type, int status) {}

  private static Wire wire(ErrorKind kind) {
    return switch (kind) {
      case MALFORMED, INVALID_PROFILE -> new Wire("malformed", 400);
      // RFC 8555 has no type for these HTTP-level refusals: malformed, with the precise status.
      case NOT_FOUND -> new Wire("malformed", 404);
      case METHOD_NOT_ALLOWED -> new Wire("malformed", 405);
      case CONFLICT -> new Wire("malformed", 409); // §7.3.5: a new key that already belongs to an account
      case PAYLOAD_TOO_LARGE -> new Wire("malformed", 413);
      case UNSUPPORTED_MEDIA_TYPE -> new Wire("malformed", 415);
      case UNAUTHORIZED, FORBIDDEN -> new Wire("unauthorized", 403);
      case RATE_LIMITED -> new Wire("rateLimited", 429);
      case UNAVAILABLE -> new Wire("serverInternal", 503);
      case INTERNAL -> new Wire("serverInternal", 500);
      case BAD_NONCE -> new Wire("badNonce", 400);
      case BAD_SIGNATURE_ALGORITHM -> new Wire("badSignatureAlgorithm", 400);
      case BAD_PUBLIC_KEY -> new Wire("badPublicKey", 400);
      case ACCOUNT_DOES_NOT_EXIST -> new Wire("accountDoesNotExist", 400);
      case EXTERNAL_ACCOUNT_REQUIRED -> new Wire("externalAccountRequired", 403);
      case INVALID_CONTACT -> new Wire("invalidContact", 400);
      case UNSUPPORTED_CONTACT -> new Wire("unsupportedContact", 400);
      case BAD_CSR -> new Wire("badCSR", 400);
      // The registry's record, not the client's CSR, cannot be certified: the server will not issue
      // for this subject until the RA corrects it.
      case SUBJECT_NOT_CERTIFIABLE -> new Wire("rejectedIdentifier", 403);
      case ORDER_NOT_READY -> new Wire("orderNotReady", 403);
      case REJECTED_IDENTIFIER -> new Wire("rejectedIdentifier", 400);
      case UNSUPPORTED_IDENTIFIER -> new Wire("unsupportedIdentifier", 400);
      case IDENTIFIER_NOT_COVERED -> new Wire("rejectedIdentifier", 403);
      case IDENTIFIER_NOT_FOR_PROFILE -> new Wire("unsupportedIdentifier", 403);
      case ALREADY_REVOKED -> new Wire("alreadyRevoked", 400);
      case BAD_REVOCATION_REASON -> new Wire("badRevocationReason", 400);
      case ALREADY_REPLACED -> new Wire("alreadyReplaced", 409); // RFC 9773 §7.4
    };
  }

  static Problem toProblem(DomainError e) {
    Wire w = wire(e.kind());
    List<JsonObject> subs = new ArrayList<>();
    for (DomainError.Subproblem s : e.subproblems()) {
      Wire sw = wire(s.kind());
      JsonObject sub = new JsonObject().put("type", PREFIX + sw.type()).put("status", sw.status()).put("detail", s.detail());
      if (s.reason() != null) sub.put("reason", s.reason());
      subs.add(sub.put("identifier", new JsonObject().put("type", s.identifierType()).put("value", s.identifierValue())));
    }
    JsonObject extra = new JsonObject();
    if (e.kind() == ErrorKind.BAD_SIGNATURE_ALGORITHM) extra.put("algorithms", new JsonArray(e.accepted()));
    if (e.kind() == ErrorKind.INVALID_PROFILE) extra.put("profiles", new JsonArray(e.accepted()));
    return new Problem(PREFIX + w.type(), w.status(), e.detail(), subs, extra, e.retryAfter());
  }

  /** The problem document of {@code e}, as stored in an order's {@code error} (RFC 8555 §7.1.3). */
  static JsonObject toJson(DomainError e) {
    return toProblem(e).toJson();
  }
}
