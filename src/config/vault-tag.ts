// Ansible Vault values (`!vault |` scalars) as YAML text: kspray keeps them as the ciphertext string and writes them back
// tagged, so Ansible decrypts them where the inventory had them; kspray never decrypts one.
import type { ScalarTag } from 'yaml';

export const VAULT_PREFIX = '$ANSIBLE_VAULT;';
export const isVaultText = (v: unknown): v is string => typeof v === 'string' && v.startsWith(VAULT_PREFIX);

const vaultTag: ScalarTag = {
  tag: '!vault',
  identify: isVaultText,
  resolve: (s: string) => s,
  stringify(item, ctx) {
    const text = String(item.value);
    const body = text.replace(/\n$/, '').split('\n').map((l) => `${ctx.indent}  ${l}`).join('\n');
    // `|` keeps exactly one final newline, `|-` none: the ciphertext comes back byte for byte
    return `${text.endsWith('\n') ? '|' : '|-'}\n${body}`;
  },
};

/** `customTags` for yaml's stringify: the vault tag ahead of the string tag, which would otherwise claim the value. */
export const withVaultTag = <T>(tags: T[]): (ScalarTag | T)[] => [vaultTag, ...tags];
