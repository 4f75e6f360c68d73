package fr.habilis.client.output;

/**
 * The protection of a PKCS#12 file: which ciphers encrypt the key and the certificates, and which
 * digest the integrity MAC uses.
 */
public enum Pkcs12Format {

  /**
   * The default: key and certificates encrypted with PBES2 (PBKDF2-HMAC-SHA-256, 10,000 iterations,
   * AES-256-CBC), MAC with HMAC-SHA-256 (10,000 iterations): the JDK's own defaults since Java 16.
   * Read by Java 11.0.12 and later, OpenSSL 1.1 and 3, Windows 10 1709 and Windows Server 2019. Java 11
   * before 11.0.12 cannot check a SHA-256 MAC: use {@link #LEGACY} for such consumers.
   */
  MODERN(10_000),

  /**
   * For old consumers (Windows before 10 1709, Java before 11.0.12 or 8u301, OpenSSL 1.x): key
   * encrypted with pbeWithSHAAnd3-KeyTripleDES-CBC, certificates with pbeWithSHAAnd40BitRC2-CBC,
   * SHA-1 MAC, 2,048 iterations, which is what OpenSSL 1.x writes. The certificates are public
   * anyway; the key's protection rests on the password. OpenSSL 3 reads these files only with
   * {@code -legacy}.
   */
  LEGACY(2_048);

  private final int iterations;

  Pkcs12Format(int iterations) {
    this.iterations = iterations;
  }

  /** @return the iteration count of the key derivations and of the MAC */
  public int iterations() {
    return iterations;
  }
}
