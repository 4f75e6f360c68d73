package fr.habilis.ca.registry;

/**
 * A technical administrator: a person known by their current card. {@code id} stays the same
 * when the card is replaced, so rights and ACME accounts follow the person.
 */
public record Administrator(
    String id, String cardNumber, CardType cardType, String lastName, String firstName, String email, String phone) {

  /** Cards that identify health-sector people (CPS professionals, CDE/CPE staff, CDA/CPA others). */
  public enum CardType { CPS, CDE, CPE, CDA, CPA }
}
