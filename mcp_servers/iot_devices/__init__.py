"""Smart home hub: one household's homes, rooms and connected devices (lights, plugs, thermostats, door locks with
guest PIN codes, cameras, blinds, speakers, robot vacuums, water heaters and sensors for temperature, humidity,
motion, contact, smoke, leaks and energy), with sensor history, scenes, automation rules, energy usage and member
roles that restrict what guests may control."""
