import { RestClient } from '@rocket.chat/api-client';

const api = new RestClient({ baseUrl: 'http://127.0.0.1:8080/rocketchat' }); // the client adds /api itself
const { data } = await api.post('/v1/login', { user: 'admin', password: 'admin' });
api.setCredentials({ 'X-User-Id': data.userId, 'X-Auth-Token': data.authToken });
const { channel } = await api.post('/v1/channels.create', { name: `team-${Date.now()}` });
// antonio.towne and brennan.grady of the default data set (seed 1)
await api.post('/v1/channels.invite', { roomId: channel._id, userIds: ['KkGWsxFX4zdfCXnbc', '9ZHBE5T3GHNFL3A5P'] });
const { members } = await api.get('/v1/channels.members', { roomId: channel._id });
console.log(channel.name, members.map((m) => m.username)); // team-… [ 'admin', 'antonio.towne', 'brennan.grady' ]
