package fr.habilis.ca.finalize;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.store.AcmeStore;

/**
 * How a finalize (or the recovery of an order a stopped process left processing) ended. A refusal
 * that leaves the order as it was (not found, not ready, a bad CSR) is not an outcome: it fails
 * the future with its {@link DomainError}, and nothing was written.
 */
public sealed interface FinalizeOutcome {

  /** The outcomes whose answer is the order itself, as it now is. */
  sealed interface WithOrder extends FinalizeOutcome {
    AcmeStore.Order order();
  }

  /** The certificate is stored and the order is valid (read in the transaction that stored it). */
  record Valid(AcmeStore.Order order, String serial) implements WithOrder {}

  /** The order was failed, with this error on it (e.g. the habilitation was withdrawn meanwhile). */
  record Invalid(DomainError error) implements FinalizeOutcome {}

  /** Left processing on purpose (the testStopAfterProcessing switch): as a process killed at that point. */
  record Processing(AcmeStore.Order order) implements WithOrder {}

  /** Another instance completed or failed the order meanwhile; the order says which. */
  record SettledElsewhere(AcmeStore.Order order) implements WithOrder {}
}
