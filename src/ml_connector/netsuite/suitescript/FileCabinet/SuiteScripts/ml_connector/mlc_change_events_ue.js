/**
 * User Event script (every NetSuite version): after a customer, vendor or contact is saved,
 * post a signed change event to ml-connector.
 *
 * It runs inside the user's save, so it never throws and sends exactly one request: N/https
 * has no per-call timeout (the platform gives up connecting after 5 seconds), and the
 * receiver answers as soon as the event is stored. A lost event is found by the poller.
 * Deletions are not reported (they are not synchronized); a save that turns isinactive on is
 * reported as "inactivate".
 *
 * @NApiVersion 2.1
 * @NScriptType UserEventScript
 * @NModuleScope SameAccount
 */
define(['./mlc_event'], (events) => {
    const REPORTED = ['create', 'edit', 'xedit'];

    const isTrue = (value) => value === true || value === 'T';

    const inactiveOf = (record) => (record ? isTrue(record.getValue({ fieldId: 'isinactive' })) : false);

    const eventType = (context) => {
        if (REPORTED.indexOf(context.type) === -1) {
            return null;
        }
        const inactivated = context.type !== 'create'
            && inactiveOf(context.newRecord) && !inactiveOf(context.oldRecord);
        return inactivated ? 'inactivate' : context.type;
    };

    const afterSubmit = (context) => {
        try {
            const type = eventType(context);
            if (type === null || events.fromOwnIntegration()) {
                return;
            }
            events.send(context.newRecord.type, context.newRecord.id, type);
        } catch (error) {
            events.failed(error);
        }
    };

    return { afterSubmit: afterSubmit };
});
