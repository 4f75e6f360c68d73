package fr.habilis.client.bench;

import fr.habilis.client.CertificateRequest;
import fr.habilis.client.EabCredential;
import fr.habilis.client.HabilisAccount;
import fr.habilis.client.HabilisClient;
import fr.habilis.client.IssuedCertificate;
import fr.habilis.client.KeyType;
import fr.habilis.client.Product;
import fr.habilis.client.Trust;
import fr.habilis.client.renewal.Outputs;
import fr.habilis.client.renewal.RenewalManager;
import fr.habilis.client.renewal.RenewalSettings;
import fr.habilis.client.renewal.StateDirectory;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark set-up for bench/renew-at-scale.sh: registers the --demo administrator's account in a
 * state directory and makes it manage N SERV_SSL certificates of the demo health centre (ordered
 * in parallel, adopted one by one), each written as PEM files into OUT_DIR/NAME.
 *
 * <p>Usage: PopulateState DATA_DIR STATE_DIR OUT_DIR COUNT KEY_TYPE
 */
public final class PopulateState {
  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    Path stateDir = Path.of(args[1]);
    Path out = Path.of(args[2]);
    int count = Integer.parseInt(args[3]);
    KeyType keyType = KeyType.parse(args[4]);
    JsonObject demo = new JsonObject(Files.readString(data.resolve("demo.json")));
    JsonObject admin = demo.getJsonArray("administrators").getJsonObject(0);
    String domain = demo.getJsonArray("structures").getJsonObject(0).getString("domain").replace("*.", "");
    URI directory = URI.create(demo.getString("directoryUrl"));
    HabilisClient client = HabilisClient.connect(directory, Trust.withPem(data.resolve("certs/root.pem")));
    HabilisAccount account = client.register(EabCredential.of(admin.getString("eabKid"), admin.getString("eabHmacKey")),
        KeyType.EC_P256.generate(), List.of());
    StateDirectory state = StateDirectory.open(stateDir);
    state.saveAccount(directory, account.location(), account.accountKey());
    RenewalManager manager = new RenewalManager(account, state, RenewalSettings.defaults());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    long start = System.nanoTime();
    try {
      java.util.List<Future<IssuedCertificate>> orders = new java.util.ArrayList<>();
      for (int i = 0; i < count; i++) {
        String name = "srv-" + i + "." + domain;
        orders.add(pool.submit(() -> account.order(CertificateRequest.of(Product.SERV_SSL).dns(name).keyType(keyType).build())));
      }
      for (int i = 0; i < count; i++) {
        IssuedCertificate issued = orders.get(i).get();
        String name = "srv-" + i;
        manager.adopt(name, issued, Outputs.pem(out.resolve(name)), null);
      }
    } finally {
      pool.shutdown();
      pool.awaitTermination(1, TimeUnit.MINUTES);
    }
    System.out.printf("%d certificates managed in %s (%.1f s)%n", count, stateDir, (System.nanoTime() - start) / 1e9);
    System.exit(0);
  }
}
