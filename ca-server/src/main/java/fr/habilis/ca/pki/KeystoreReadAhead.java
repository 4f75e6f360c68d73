package fr.habilis.ca.pki;

import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.config.Setting;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The CA keystore read on a thread of its own while the database opens and migrates: the two
 * longest steps of a start-up, independent when the keystore already exists. Only reads (a
 * first start, which generates the keystore, or one without its password yet, reads nothing
 * ahead); a failure (wrong password, missing alias) is thrown where the keystore would have
 * been read, after the database checks, as before.
 */
public final class KeystoreReadAhead {
  private static final KeystoreReadAhead NONE = new KeystoreReadAhead(null);
  private final CompletableFuture<CaStore.Snapshot> snapshot;

  private KeystoreReadAhead(CompletableFuture<CaStore.Snapshot> snapshot) {
    this.snapshot = snapshot;
  }

  /** Starts reading when there is a keystore and its password is configured or in {@code passwordFile}. */
  public static KeystoreReadAhead start(HabilisConfig config, Path passwordFile) {
    if (!CaStore.hasKeystore(config)) return NONE;
    String password;
    try {
      password = config.isSet(Setting.KEYSTORE_PASSWORD) ? config.get(Setting.KEYSTORE_PASSWORD)
          : Files.exists(passwordFile) ? Files.readString(passwordFile, StandardCharsets.UTF_8).trim() : null;
    } catch (IOException e) {
      return NONE; // read again, and reported, on the ordinary path
    }
    if (password == null) return NONE;
    char[] pw = password.toCharArray();
    return new KeystoreReadAhead(CompletableFuture.supplyAsync(() -> CaStore.readExisting(config, pw), task -> {
      Thread t = new Thread(task, "habilis-keystore-read");
      t.setDaemon(true);
      t.start();
    }));
  }

  /** The hierarchy read ahead, or null when nothing was (the caller reads the keystore itself). */
  public CaHierarchy hierarchy() {
    CaStore.Snapshot s = await();
    return s == null ? null : s.hierarchy();
  }

  /** The CA secret read ahead, or null when nothing was or the keystore has none (the caller adds one). */
  public CaSecret secret() {
    CaStore.Snapshot s = await();
    return s == null ? null : s.secret();
  }

  private CaStore.Snapshot await() {
    if (snapshot == null) return null;
    try {
      return snapshot.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw e;
    }
  }
}
