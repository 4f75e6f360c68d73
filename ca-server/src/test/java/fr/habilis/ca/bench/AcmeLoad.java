package fr.habilis.ca.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import fr.habilis.ca.TestServer;
import fr.habilis.ca.acme.RawAcmeClient;
import fr.habilis.ca.interop.RaFixture;
import fr.habilis.ca.issuance.CryptoProviders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * ACME load generator: full issuance flows (newOrder → finalize → download, plus challenge and
 * polls where the server needs them) against a running server, one account per worker, client keys
 * and CSRs generated before the clock starts.
 * Prints flows/s and p50/p99 latency per concurrency level. Run through {@code bench/acme-load.sh}.
 *
 * <p>Arguments: {@code ENDPOINTS_JSON [concurrency,...] [seconds per level] [warm-up seconds]}.
 * The warm-up runs at the highest concurrency before anything is measured: on two shared cores
 * the JIT compiles for about two minutes under this load (C2 took half a core for the first 100 s,
 * and flows/s at concurrency 4 rose from 58 to 130 over that time).
 */
public final class AcmeLoad {
  private static final String DOMAIN = "bench.test";

  public static void main(String[] args) throws Exception {
    JsonObject endpoints = new JsonObject(Files.readString(Path.of(args[0])));
    int[] levels = Arrays.stream((args.length > 1 ? args[1] : "1,4,16").split(","))
        .mapToInt(Integer::parseInt).toArray();
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 120;
    int maxLevel = Arrays.stream(levels).max().orElse(1);

    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .sslContext(TestServer.sslContextTrusting(Path.of(endpoints.getString("trustPem"))))
        .connectTimeout(Duration.ofSeconds(10)).build();
    // Habilis: each worker's administrator is habilitated through the RA API, and every flow
    // certifies a new key for a new name (Habilis refuses a key certified for other names). Another
    // ACME server (Pebble, for the baseline) lists its EAB keys in the endpoints file instead; each
    // worker then orders one name with one CSR again and again, so that the server's
    // authorization reuse spares it the challenge after the first flow.
    JsonObject eab = endpoints.getJsonObject("eab");
    // Unique CSRs: enough for 300 flows/s over the whole run, made on every core before the clock starts.
    int budget = Integer.getInteger("csrs", 300 * (warmup + seconds * levels.length * 5 / 4));
    List<RaFixture.Credential> credentials = new ArrayList<>();
    Csrs csrs;
    if (eab == null) {
      RaFixture ra = RaFixture.forBench(http, endpoints);
      RaFixture.Credential first = ra.habilitate("18751275100020", "0123456789", RaFixture.servSsl(DOMAIN));
      credentials.add(first);
      for (int w = 1; w < maxLevel; w++) credentials.add(ra.newCredential(first.cardNumber(), first.nationalId()));
      csrs = Csrs.unique(budget);
    } else {
      for (String kid : eab.fieldNames()) credentials.add(new RaFixture.Credential(null, kid, eab.getString(kid), null));
      if (credentials.size() < maxLevel) throw new IllegalArgumentException("need " + maxLevel + " EAB keys");
      csrs = endpoints.getBoolean("uniqueNames", false) ? Csrs.unique(budget) : Csrs.perWorker(maxLevel);
    }

    List<RawAcmeClient> clients = new ArrayList<>();
    for (int w = 0; w < maxLevel; w++) {
      RawAcmeClient client = new RawAcmeClient(http, endpoints.getString("directoryUrl"));
      // The load generator shares the cores with the server: sign with Bouncy Castle (about 6x
      // faster than SunEC for P-256 on JDK 17) so the client's cost does not mask the server's.
      ECDSASigner signer = new ECDSASigner((ECKey) client.key);
      signer.getJCAContext().setProvider(CryptoProviders.BC);
      client.useKey(client.key, JWSAlgorithm.ES256, signer);
      RawAcmeClient.expect(client.register(credentials.get(w)), 201, "newAccount");
      clients.add(client);
    }

    if (warmup > 0) {
      System.out.printf("warming up for %d s at concurrency %d (JIT)...%n", warmup, maxLevel);
      runLevel(clients, warmup, csrs);
    }
    System.out.printf("%-12s %10s %10s %10s %10s %8s%n", "concurrency", "flows", "flows/s", "p50 ms", "p99 ms", "errors");
    for (int level : levels) {
      runLevel(clients.subList(0, level), Math.max(2, seconds / 4), csrs); // warm-up
      Result r = runLevel(clients.subList(0, level), seconds, csrs);
      System.out.printf("%-12d %10d %10.1f %10.1f %10.1f %8d%n", level, r.flows, r.flows / (double) seconds,
          r.percentile(0.50), r.percentile(0.99), r.errors);
    }
  }

  private record Result(long[] latenciesNanos, int flows, int errors) {
    double percentile(double p) {
      if (latenciesNanos.length == 0) return Double.NaN;
      long[] sorted = latenciesNanos.clone();
      Arrays.sort(sorted);
      return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
  }

  private static Result runLevel(List<RawAcmeClient> clients, int seconds, Csrs csrs)
      throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    List<long[]> perWorker = new ArrayList<>();
    int[] counts = new int[clients.size()];
    int[] errors = new int[clients.size()];
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < clients.size(); w++) {
      int id = w;
      long[] lat = new long[200_000];
      perWorker.add(lat);
      Thread t = new Thread(() -> {
        while (System.nanoTime() < deadline) {
          long t0 = System.nanoTime();
          try {
            Csrs.Csr csr = csrs.next(id);
            clients.get(id).issue(new JsonObject().put("identifiers",
                new JsonArray().add(new JsonObject().put("type", "dns").put("value", csr.name()))), csr.der());
            lat[counts[id]++] = System.nanoTime() - t0;
          } catch (Exception e) {
            if (errors[id]++ == 0) System.err.println("worker " + id + ": " + e.getMessage());
          }
        }
      }, "acme-load-" + w);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) t.join();
    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    int k = 0;
    for (int w = 0; w < clients.size(); w++) {
      System.arraycopy(perWorker.get(w), 0, all, k, counts[w]);
      k += counts[w];
    }
    return new Result(all, total, Arrays.stream(errors).sum());
  }

  /** The flows' CSRs, made before the clock starts. */
  private interface Csrs {
    record Csr(String name, byte[] der) {}

    Csr next(int worker);

    /** A new key and name for every flow, drawn from a shared pool. */
    static Csrs unique(int budget) {
      System.out.printf("pre-generating %d P-256 keys and CSRs...%n", budget);
      Csr[] all = new Csr[budget];
      IntStream.range(0, budget).parallel().forEach(i -> all[i] = new Csr("h" + i + "." + DOMAIN, csr("h" + i + "." + DOMAIN)));
      AtomicInteger next = new AtomicInteger();
      return worker -> {
        int n = next.getAndIncrement();
        if (n >= all.length) throw new IllegalStateException("CSR budget exhausted: raise -Dcsrs");
        return all[n];
      };
    }

    /** One name and key per worker, used for all its flows. */
    static Csrs perWorker(int workers) {
      Csr[] mine = new Csr[workers];
      for (int w = 0; w < workers; w++) mine[w] = new Csr("w" + w + "." + DOMAIN, csr("w" + w + "." + DOMAIN));
      return worker -> mine[worker];
    }
  }

  /** A P-256 CSR for one DNS name (also used by OcspPrep). */
  static byte[] csr(String name) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair kp = g.generateKeyPair();
      ExtensionsGenerator ext = new ExtensionsGenerator();
      ext.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
      return new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=" + name), kp.getPublic())
          .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())).getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private AcmeLoad() {}
}
