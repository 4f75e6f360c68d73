package fr.habilis.ca.registry;

/**
 * A technical administrator: a person known by their current card. {@code id} stays the same
 * when the card is replaced, so rights and ACME accounts follow the person. {@code language} is
 * that of their notices; null only in a request that does not state it (stored: French, or the
 * person's language unchanged).
 */
public record Administrator(
    String id, String cardNumber, CardType cardType, String lastName, String firstName, String email, String phone,
    Language language) {

  /** An administrator who receives notices in French. */
  public Administrator(String id, String cardNumber, CardType cardType, String lastName, String firstName, String email,
      String phone) {
    this(id, cardNumber, cardType, lastName, firstName, email, phone, Language.FR);
  }

  /** Cards that identify health-sector people (CPS professionals, CDE/CPE staff, CDA/CPA others). */
  public enum CardType { CPS, CDE, CPE, CDA, CPA }
}
