/**
 * Writing an issued certificate and its locally generated private key to disk the way the
 * IGC-Santé platform delivers them: a password-protected PKCS#12 file ({@link
 * fr.habilis.client.output.Pkcs12Writer}) and/or a certbot-like set of PEM files ({@link
 * fr.habilis.client.output.PemFiles}). Every file is replaced atomically and created owner-only
 * ({@link fr.habilis.client.output.AtomicFiles}); {@link fr.habilis.client.output.OutputFiles}
 * bundles a destination so that it can be checked before a certificate is ordered.
 */
package fr.habilis.client.output;
