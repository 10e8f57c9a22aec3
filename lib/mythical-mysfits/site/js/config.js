// The deployment's settings, from config.json, which the stack writes at deploy time (never in the repo).
const REQUIRED = ['region', 'userPoolId', 'userPoolClientId', 'apiUrl'];

let loaded;

/** config.json, checked: { region, userPoolId, userPoolClientId, apiUrl }. */
export function loadConfig() {
  loaded ??= fetch('config.json', { cache: 'no-store' })
    .then((res) => {
      if (!res.ok) throw new Error(`config.json could not be loaded (HTTP ${res.status}): is the stack deployed?`);
      return res.json();
    })
    .then((config) => {
      const missing = REQUIRED.filter((key) => typeof config[key] !== 'string' || config[key] === '');
      if (missing.length > 0) throw new Error(`config.json lacks ${missing.join(', ')}: redeploy the stack.`);
      return { ...config, apiUrl: config.apiUrl.replace(/\/+$/, '') };
    });
  return loaded;
}
