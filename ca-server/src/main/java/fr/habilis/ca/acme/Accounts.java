package fr.habilis.ca.acme;

import fr.habilis.ca.registry.Identifier;
import fr.habilis.ca.store.AcmeStore;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import fr.habilis.ca.ServerContext;
import fr.habilis.ca.registry.Administrator;
import fr.habilis.ca.registry.EabCredential;
import fr.habilis.ca.registry.RegistryService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Accounts (RFC 8555 §7.3): creation bound to an administrator by an EAB credential, which is
 * consumed; contact updates, deactivation, the orders list and key rollover.
 */
final class Accounts {
  private static final Set<String> EAB_ALGORITHMS = Set.of("HS256", "HS384", "HS512");
  private static final int PAGE = 50;
  private final ServerContext ctx;
  private final AcmeStore store;
  private final AcmeUrls urls;
  private final RegistryService registry;
  private final AccountCache cache;

  Accounts(ServerContext ctx, AcmeStore store, AcmeUrls urls, RegistryService registry, AccountCache cache) {
    this.ctx = ctx;
    this.store = store;
    this.urls = urls;
    this.registry = registry;
    this.cache = cache;
  }

  Future<AcmeApi.Reply> newAccount(AcmeApi.Signed r) {
    SignedRequest.checkAccountKey(r.jws().jwk);
    JsonObject payload = r.jws().payload();
    boolean onlyExisting = Boolean.TRUE.equals(payload.getValue("onlyReturnExisting"));
    List<String> contact = contacts(payload.getValue("contact"));
    String thumbprint = SignedRequest.thumbprint(r.jws().jwk);
    Object eab = payload.getValue("externalAccountBinding");
    return r.tx(c -> {
      var existing = store.accountByThumbprint(c, thumbprint);
      if (existing.isPresent()) {
        return AcmeApi.Reply.json(200, json(existing.get()), urls.account(existing.get().id()));
      }
      if (onlyExisting) throw DomainError.of(ErrorKind.ACCOUNT_DOES_NOT_EXIST, "no account uses this key");
      if (eab == null) {
        throw DomainError.of(ErrorKind.EXTERNAL_ACCOUNT_REQUIRED, "an account must be bound to a habilitated administrator:"
            + " send externalAccountBinding with the EAB credential the RA gave you");
      }
      JWSObject binding = binding(eab, r.jws().jwk);
      String kid = binding.getHeader().getKeyID();
      // A key sealed under another CA secret (a database restored without its keystore) is UNAUTHORIZED.
      EabCredential cred = registry.credential(c, kid)
          .orElseThrow(() -> DomainError.unauthorized("unknown EAB key id " + kid));
      if (cred.consumedAt() != null) throw DomainError.unauthorized("EAB credential " + kid + " has already bound an account");
      if (!cred.expiresAt().isAfter(ctx.clock().instant())) throw DomainError.unauthorized("EAB credential " + kid + " has expired");
      try {
        if (!binding.verify(new MACVerifier(cred.hmacKey()))) throw DomainError.unauthorized("the EAB signature is invalid");
      } catch (JOSEException e) {
        throw DomainError.unauthorized("the EAB signature cannot be checked with this credential: " + e.getMessage());
      }
      long id = store.insertAccount(c, thumbprint, r.jws().jwk, contact, cred.adminId(), kid, ctx.clock().instant());
      if (!registry.consumeCredential(c, kid, id)) throw DomainError.unauthorized("EAB credential " + kid + " is no longer usable");
      String card = registry.administrator(c, cred.adminId()).map(Administrator::cardNumber).orElse("?");
      ctx.audit().append(c, "card:" + card, "acme.account.created", urls.account(id),
          new JsonObject().put("eabKid", kid).put("keyThumbprint", thumbprint).encode());
      return AcmeApi.Reply.json(201, json(store.accountById(c, id).orElseThrow()), urls.account(id));
    });
  }

  /** The EAB JWS (RFC 8555 §7.3.4): HMAC-signed by the credential, over the account key, for this URL. */
  private JWSObject binding(Object eab, JWK accountKey) {
    if (!(eab instanceof JsonObject o) || !(o.getValue("protected") instanceof String p)
        || !(o.getValue("payload") instanceof String pl) || !(o.getValue("signature") instanceof String s)) {
      throw DomainError.malformed("externalAccountBinding must be a flattened JWS");
    }
    JWSObject jws;
    try {
      jws = new JWSObject(new Base64URL(p), new Base64URL(pl), new Base64URL(s));
    } catch (ParseException e) {
      throw DomainError.malformed("externalAccountBinding is not a readable JWS");
    }
    var h = jws.getHeader();
    if (!EAB_ALGORITHMS.contains(h.getAlgorithm().getName())) {
      throw DomainError.notAccepted(ErrorKind.BAD_SIGNATURE_ALGORITHM, "the EAB must be MAC-signed (HS256, HS384, HS512)", List.copyOf(EAB_ALGORITHMS));
    }
    if (h.getKeyID() == null) throw DomainError.malformed("the EAB header needs the credential's kid");
    if (h.getCustomParam("nonce") != null) throw DomainError.malformed("the EAB header must not carry a nonce");
    if (!urls.newAccount().equals(h.getCustomParam("url"))) throw DomainError.unauthorized("the EAB url must be " + urls.newAccount());
    try {
      JWK bound = JWK.parse(jws.getPayload().toString());
      if (bound.isPrivate()) throw DomainError.malformed("the EAB payload must be the account's public JWK, not a private key");
      if (!SignedRequest.thumbprint(bound).equals(SignedRequest.thumbprint(accountKey))) {
        throw DomainError.unauthorized("the EAB binds another key than the account's");
      }
    } catch (ParseException e) {
      throw DomainError.malformed("the EAB payload must be the account's public JWK");
    }
    return jws;
  }

  Future<AcmeApi.Reply> account(AcmeApi.Signed r) {
    long id = own(r);
    // Read in the request's transaction: the cached account may be older than its contact.
    if (r.jws().isPostAsGet()) return r.tx(c -> AcmeApi.Reply.json(200, json(store.accountById(c, id).orElseThrow())));
    JsonObject payload = r.jws().payload();
    Object status = payload.getValue("status");
    if (status != null && !"deactivated".equals(status)) {
      throw DomainError.malformed("an account's status can only be set to deactivated");
    }
    List<String> contact = payload.containsKey("contact") ? contacts(payload.getValue("contact")) : null;
    return r.tx(c -> {
      String actor = "acme-account:" + id;
      if (contact != null) {
        store.updateContact(c, id, contact);
        ctx.audit().append(c, actor, "acme.account.updated", urls.account(id), new JsonObject()
            .put("contact", new JsonArray(contact)).encode());
      }
      if (status != null) {
        store.deactivate(c, id);
        ctx.audit().append(c, actor, "acme.account.deactivated", urls.account(id), "{}");
      }
      return AcmeApi.Reply.json(200, json(store.accountById(c, id).orElseThrow()));
    }).onComplete(x -> cache.evict(id));
  }

  Future<AcmeApi.Reply> orders(AcmeApi.Signed r) {
    long id = own(r);
    String cursor = r.rc().queryParams().get("cursor");
    long before;
    try {
      before = cursor == null ? Long.MAX_VALUE : Long.parseLong(cursor);
    } catch (NumberFormatException e) {
      throw DomainError.malformed("cursor must be a number");
    }
    return r.tx(c -> store.orderIds(c, id, before, PAGE + 1)).map(ids -> {
      JsonArray list = new JsonArray();
      ids.stream().limit(PAGE).forEach(o -> list.add(urls.order(o)));
      Map<String, String> headers = ids.size() > PAGE
          ? Map.of("Link", "<" + urls.orders(id) + "?cursor=" + ids.get(PAGE - 1) + ">;rel=\"next\"") : Map.of();
      return new AcmeApi.Reply(200, new JsonObject().put("orders", list), headers);
    });
  }

  /** Key rollover (RFC 8555 §7.3.5): the inner JWS, signed by the new key, names the account and its old key. */
  Future<AcmeApi.Reply> keyChange(AcmeApi.Signed r) {
    AcmeStore.Account account = r.account();
    SignedRequest inner = SignedRequest.parseInner(r.jws().payload().encode(), r.jws().url);
    if (inner.jwk == null || inner.kid != null) throw DomainError.malformed("the inner JWS must carry the new key as jwk");
    SignedRequest.checkAccountKey(inner.jwk);
    inner.verify(inner.jwk);
    JsonObject payload = inner.payload();
    if (!urls.account(account.id()).equals(payload.getString("account"))) {
      throw DomainError.malformed("the inner payload's account must be " + urls.account(account.id()));
    }
    try {
      Object oldKey = payload.getValue("oldKey");
      if (!(oldKey instanceof JsonObject ok)
          || !SignedRequest.thumbprint(JWK.parse(ok.encode())).equals(account.thumbprint())) {
        throw DomainError.malformed("oldKey is not the account's current key");
      }
    } catch (ParseException e) {
      throw DomainError.malformed("oldKey is not a JWK");
    }
    String thumbprint = SignedRequest.thumbprint(inner.jwk);
    return r.tx(c -> {
      var holder = store.accountByThumbprint(c, thumbprint);
      if (holder.isPresent()) {
        throw DomainError.of(ErrorKind.CONFLICT, "the new key already belongs to account "
            + urls.account(holder.get().id()));
      }
      store.changeKey(c, account.id(), thumbprint, inner.jwk);
      ctx.audit().append(c, "acme-account:" + account.id(), "acme.account.keyChanged", urls.account(account.id()),
          new JsonObject().put("from", account.thumbprint()).put("to", thumbprint).encode());
      return AcmeApi.Reply.json(200, json(store.accountById(c, account.id()).orElseThrow()));
    }).onComplete(x -> cache.evict(account.id()));
  }

  /** The account URL must be the signer's own: an account never reads or changes another. */
  private long own(AcmeApi.Signed r) {
    long id;
    try {
      id = Long.parseLong(r.rc().pathParam("id"));
    } catch (NumberFormatException e) {
      throw DomainError.notFound("no such account");
    }
    if (id != r.account().id()) throw DomainError.unauthorized("an account may only act on itself");
    return id;
  }

  private static List<String> contacts(Object value) {
    if (value == null) return List.of();
    if (!(value instanceof JsonArray a)) throw DomainError.malformed("contact must be an array of mailto: URLs");
    if (a.size() > 5) throw DomainError.of(ErrorKind.INVALID_CONTACT, "at most 5 contacts");
    List<String> list = new ArrayList<>();
    for (Object o : a) {
      if (!(o instanceof String s)) throw DomainError.malformed("contact must be an array of mailto: URLs");
      if (!s.regionMatches(true, 0, "mailto:", 0, 7)) {
        throw DomainError.of(ErrorKind.UNSUPPORTED_CONTACT, "only mailto: contacts are supported, not " + s);
      }
      if (!s.startsWith("mailto:") || !Identifier.isEmailAddress(s.substring(7)) || s.contains(",") || s.contains("?")) {
        throw DomainError.of(ErrorKind.INVALID_CONTACT, s + " is not a single e-mail address (mailto:name@domain)");
      }
      list.add(s);
    }
    return list;
  }

  JsonObject json(AcmeStore.Account a) {
    return new JsonObject().put("status", a.status()).put("contact", new JsonArray(a.contact()))
        .put("orders", urls.orders(a.id()));
  }
}
