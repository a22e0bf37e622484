/**
 * Where change events go and which API Secret signs them. `ml-connector setup netsuite`
 * prints this file filled in for one connection; nothing else in the project changes.
 *
 * skipRoles: internal ids of roles whose saves are never reported (for example the role our
 * integration uses, if its writes ever arrive through a context other than REST web services).
 *
 * @NApiVersion 2.1
 * @NModuleScope SameAccount
 */
define([], () => ({
    webhookUrl: 'https://connector.example/hooks/netsuite/CONNECTION',
    secretScriptId: 'custsecret_mlc_webhook',
    skipRoles: [],
}));
