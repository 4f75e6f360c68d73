package fr.habilis.ca.pki;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** PEM encoding of certificates, chains and keys. */
public final class Pem {
  private Pem() {}

  public static String encode(Object... objects) {
    return encode(List.of(objects));
  }

  /** PKCS#8 ("BEGIN PRIVATE KEY"): the one private-key PEM form every TLS stack reads. */
  public static String privateKey(java.security.PrivateKey key) {
    try {
      return encode(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null).generate());
    } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String encode(List<?> objects) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      for (Object o : objects) w.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
