// serverless-iam-roles-per-function gives each function its own role, but the framework has already
// added its shared default role by then. Remove it when no function uses it, so the stack holds
// exactly one role per function.
class PruneDefaultRole {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:finalize': () => this.prune() };
  }

  prune() {
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    const id = this.serverless.getProvider('aws').naming.getRoleLogicalId();
    if (!resources[id]) return;
    const used = Object.entries(resources).some(
      ([key, r]) => key !== id && JSON.stringify(r).includes(`"${id}"`),
    );
    if (!used) delete resources[id];
  }
}

module.exports = PruneDefaultRole;
