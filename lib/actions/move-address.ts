/**
 * `move-address`: an Elastic IP moved to another instance, by the resize workflow at the right moment
 * (after the replacement passed its health check) and back again on a rollback. In a plan it is listed
 * for people, as a step of its resize. AssociateAddress with AllowReassociation moves it in one call,
 * so the address is never left unattached.
 */
import { defineAction, need, type Check } from './action-module';

export const moveAddress = defineAction({
  type: 'move-address',
  permissions: ['ec2:AssociateAddress'],

  async verify(items, ports) {
    const addresses = need(ports, 'addresses', 'move-address');
    return Promise.all(
      items.map(async ({ action: a }): Promise<Check> => {
        if (!a.toInstance) return { ok: false, detail: 'no instance to move the address to' };
        const holder = await addresses.addressHolder(a.allocationId);
        return holder === a.toInstance
          ? { ok: false, detail: `${a.publicIp} is on ${holder} already` }
          : { ok: true };
      }),
    );
  },

  async apply({ action: a }, ports) {
    await need(ports, 'addresses', a.type).moveAddress(a.allocationId, a.toInstance!);
    return { status: 'applied' };
  },

  line: (a) =>
    `${a.type}  ${a.target}  ${a.publicIp} ${a.fromInstance} → ${a.toInstance ?? 'the replacement'}`,
  headline: (a, verb, done) => `${verb}${done ? 'moved' : 'move'} ${a.publicIp}`,
});
