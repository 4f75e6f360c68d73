package fr.habilis.client.renewal;

import fr.habilis.client.IssuedCertificate;

/**
 * Installs a freshly written certificate (reload a server, restart a connector). Embedding
 * software passes one to the manager; the CLI runs the entry's command instead ({@link CommandHook}).
 */
@FunctionalInterface
public interface DeployHook {
  /** Runs after the new files are in place and recorded; an exception is reported, not retried. */
  void deployed(ManagedCertificate entry, IssuedCertificate issued) throws Exception;
}
