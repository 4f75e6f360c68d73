package fr.habilis.ca.issuance;

/**
 * The ten certificate products of ASIP Santé form 414 (shared/domain/000): three ORG (software of
 * a structure), four SERV (a server of a structure: TLS, S/MIME, seal, decryption) and three PRO
 * (a natural person working in a structure). Their definitions are data: see {@link Profiles}.
 */
public enum ProfileName {
  ORG_AUTH_CLI, ORG_SIGN, ORG_CONF, SERV_SSL, SERV_SMIME, SERV_SIGN, SERV_CONF, PRO_AUTH, PRO_SIGN, PRO_CONF
}
