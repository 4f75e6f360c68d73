/**
 * The Habilis client SDK: ACME with External Account Binding against a Habilis CA, for editors of
 * health software. Start at {@link fr.habilis.client.HabilisClient}.
 */
package fr.habilis.client;
