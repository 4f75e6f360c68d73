package fr.habilis.ca.bench;

import fr.habilis.ca.issuance.SerialNumbers;
import fr.habilis.ca.store.CertificateRepository;
import fr.habilis.ca.store.Database;
import java.io.BufferedWriter;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * For ocsp-population.sh: records N valid certificates of the ORG CA in a stopped server's
 * database (random 128-bit serials, as the CA draws them; a placeholder DER, which the responder
 * never reads: it answers from the serial's row), and writes one OCSP GET path per certificate.
 * Usage: OcspPopulation JDBC_URL ORG_CA_PEM N PATHS_FILE
 */
public final class OcspPopulation {
  public static void main(String[] args) throws Exception {
    String url = args[0];
    X509Certificate ca;
    try (var in = Files.newInputStream(Path.of(args[1]))) {
      ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    int n = Integer.parseInt(args[2]);
    SecureRandom random = new SecureRandom();
    var sha1 = new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1);
    var issuer = new JcaX509CertificateHolder(ca);
    CertificateRepository certificates = new CertificateRepository();
    Instant now = Instant.now();
    try (Database db = Database.open(null, url, null, null, 2);
         BufferedWriter paths = Files.newBufferedWriter(Path.of(args[3]))) {
      for (int done = 0; done < n; ) {
        int batch = Math.min(5_000, n - done);
        BigInteger[] serials = new BigInteger[batch];
        for (int i = 0; i < batch; i++) serials[i] = new BigInteger(127, random).setBit(126);
        db.txBlocking(c -> {
          for (BigInteger s : serials) {
            String hex = SerialNumbers.toHex(s);
            certificates.reserveSerial(c, hex, "org", now);
            certificates.insert(c, new CertificateRepository.StoredCertificate(hex, "org", "ORG_AUTH_CLI",
                "CN=population", "population", "318751275100020", "0123456789", null, null, "key-" + hex,
                now, now.plus(Duration.ofDays(1095)), new byte[] {0}, "valid", null, null), now);
          }
          return null;
        });
        for (BigInteger s : serials) {
          byte[] req = new OCSPReqBuilder().addRequest(new CertificateID(sha1, issuer, s)).build().getEncoded();
          paths.write("/ocsp/" + URLEncoder.encode(Base64.getEncoder().encodeToString(req), StandardCharsets.US_ASCII));
          paths.newLine();
        }
        done += batch;
      }
    }
    System.out.println(n + " certificates recorded, their OCSP GET paths in " + args[3]);
  }
}
