import { loadConfig } from './config.js';
import { currentSession, signOut } from './session.js';
import { onSubmit, show } from './ui.js';

const session = currentSession();
if (!session) location.replace('signin.html');

document.getElementById('rider').textContent = session?.username ?? '';
document.getElementById('sign-out').addEventListener('click', () => {
  signOut();
  location.assign('index.html');
});

// The "map": a square of the city around the workshop's pickup point; a click picks the coordinates.
const CENTER = { Latitude: 47.6174, Longitude: -122.2883 };
const SPAN = 0.05; // degrees across the square
const form = document.getElementById('ride-form');
const map = document.getElementById('map');
const pin = document.getElementById('pin');
function place(latitude, longitude) {
  form.elements.latitude.value = latitude.toFixed(5);
  form.elements.longitude.value = longitude.toFixed(5);
  pin.style.left = `${((longitude - CENTER.Longitude) / SPAN + 0.5) * 100}%`;
  pin.style.top = `${(0.5 - (latitude - CENTER.Latitude) / SPAN) * 100}%`;
}
map.addEventListener('click', (event) => {
  const box = map.getBoundingClientRect();
  const x = (event.clientX - box.left) / box.width;
  const y = (event.clientY - box.top) / box.height;
  place(CENTER.Latitude + (0.5 - y) * SPAN, CENTER.Longitude + (x - 0.5) * SPAN);
});
place(CENTER.Latitude, CENTER.Longitude);

/** CSS colours for the fleet's coat colours ("golden" is not a CSS colour name). */
const SWATCHES = { golden: '#d4a017', white: '#ffffff', yellow: '#f5d800' };

onSubmit(form, async (data) => {
  const config = await loadConfig();
  show('Finding a unicorn...', 'info');
  const res = await fetch(`${config.apiUrl}/ride`, {
    method: 'POST',
    headers: { Authorization: session.idToken, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      PickupLocation: { Latitude: Number(data.get('latitude')), Longitude: Number(data.get('longitude')) },
    }),
  });
  const body = await res.json().catch(() => ({}));
  if (res.status === 401) {
    signOut();
    throw new Error(`${body.Error ?? 'Your session has ended.'} Sign in again.`);
  }
  if (!res.ok) throw new Error(`${body.Error ?? `The API answered HTTP ${res.status}.`}${body.Field ? ` (field: ${body.Field})` : ''}`);

  const { Unicorn, Eta, RideId, Rider } = body;
  document.getElementById('unicorn-name').textContent = Unicorn.Name;
  document.getElementById('unicorn-description').textContent = `a ${Unicorn.Color.toLowerCase()} ${Unicorn.Gender.toLowerCase()} unicorn`;
  document.getElementById('unicorn-swatch').style.background = SWATCHES[Unicorn.Color.toLowerCase()] ?? Unicorn.Color;
  document.getElementById('eta').textContent = Eta;
  document.getElementById('ride-id').textContent = RideId;
  document.getElementById('ride-rider').textContent = Rider;
  document.getElementById('ride').hidden = false;
  show(`${Unicorn.Name} is on the way.`, 'ok');
});
