/**
 * Event Subscriber script (NetSuite 2026.2 and later): a customer, vendor or contact was
 * updated (inactivations included). It runs after the save has completed, so it never
 * delays the user.
 *
 * There is one script per event type because the documented options carry only the record
 * type and id, not which subscription criterion fired.
 *
 * @NApiVersion 2.1
 * @NScriptType EventSubscriber
 * @NModuleScope SameAccount
 */
define(['./mlc_event'], (events) => {
    async function handle(options) {
        await events.onSubscribed(options, 'edit');
    }

    return { handle: handle };
});
