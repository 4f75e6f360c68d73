package fr.habilis.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Objects;

/**
 * The External Account Binding credential the registration authority gives a habilitated
 * administrator (key id and base64url HMAC key). It binds one ACME account, once.
 */
public final class EabCredential {
  private final String keyId;
  private final String hmacKey;

  private EabCredential(String keyId, String hmacKey) {
    this.keyId = keyId;
    this.hmacKey = hmacKey;
  }

  /** A credential from its key id and base64url-encoded HMAC key (checked locally). */
  public static EabCredential of(String keyId, String hmacKeyBase64Url) {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(hmacKeyBase64Url, "hmacKey");
    String k = keyId.trim();
    String mac = hmacKeyBase64Url.trim();
    if (k.isEmpty()) throw new IllegalArgumentException("the EAB key id is empty");
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(mac.replace("=", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the EAB HMAC key is not base64url (as the RA prints it)");
    }
    if (raw.length < 16) throw new IllegalArgumentException("the EAB HMAC key is too short (" + raw.length + " bytes)");
    return new EabCredential(k, mac);
  }

  /** Reads the HMAC key from a file (first line), so that it never appears on a command line. */
  public static EabCredential withKeyFile(String keyId, Path hmacKeyFile) throws IOException {
    if (!Files.isReadable(hmacKeyFile)) throw new IOException("cannot read the EAB HMAC key file " + hmacKeyFile);
    String content = new String(Files.readAllBytes(hmacKeyFile), StandardCharsets.UTF_8).trim();
    int nl = content.indexOf('\n');
    return of(keyId, nl < 0 ? content : content.substring(0, nl));
  }

  public String keyId() {
    return keyId;
  }

  /** The base64url HMAC key; treat as a secret. */
  public String hmacKey() {
    return hmacKey;
  }

  @Override
  public String toString() {
    return "EabCredential[" + keyId + "]";
  }
}
